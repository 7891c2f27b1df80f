/**
 * Generated from the hub's OpenAPI document (/docs/json) by console/scripts/generate-api.ts
 * (npm run generate-api -w console). Do not edit: regenerate after changing a route or schema;
 * tests/console/api-types.test.ts fails while this file is stale.
 */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description Public: no sign-in.
         */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Bearer METRICS_TOKEN, or loopback only.
         *
         *     Public: no sign-in.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness; `failing` names what is not ok
         * @description Public: no sign-in.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Webhook messages that exhausted their retries
         * @description Roles: platform_admin, auditor.
         */
        get: operations["listDeadLetters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters/{id}/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a dead letter again with a fresh retry budget (same Idempotency-Key)
         * @description Roles: platform_admin.
         */
        post: operations["redriveDeadLetter"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/applications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List applications: a department sees those it made and those for its resources; admin and auditor see all
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["listApplications"];
        put?: never;
        /**
         * Apply for fields of a published resource for one of the department's systems (统一受理); the review deadline starts
         * @description Roles: dept_admin, dept_operator.
         */
        post: operations["submitApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/applications/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An application with the timeline of every step, its current deadline and colour
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["getApplication"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/applications/{id}/coordination": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * After a denial, the applicant asks the platform to coordinate (协调)
         * @description Roles: dept_admin, dept_operator.
         */
        post: operations["requestCoordination"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/applications/{id}/coordination/decision": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The platform's coordination outcome: grant (may narrow like a provider) or deny with a reason
         * @description Roles: platform_admin.
         */
        post: operations["decideCoordination"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/applications/{id}/decision": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The providing department's decision on a Route B application: approve (may narrow fields, add conditions, shorten validity) or deny with a reason
         * @description Roles: dept_admin.
         */
        post: operations["decideApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/applications/{id}/resubmit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The applicant corrects and resubmits a returned application; a new review deadline starts
         * @description Roles: dept_admin, dept_operator.
         */
        post: operations["resubmitApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/applications/{id}/review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 规范性审查: accept (routes it: A → provisioning, B → pending_provider), reject or return with a reason
         * @description Roles: platform_admin.
         */
        post: operations["reviewApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/applications/{id}/withdraw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The applicant withdraws an open application
         * @description Roles: dept_admin, dept_operator.
         */
        post: operations["withdrawApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The trail, newest first (admins: share requests and data access); format=csv streams all
         * @description Roles: auditor, platform_admin.
         */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/proofs/consistency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Consistency proof between two signed heads
         * @description Public: no sign-in.
         */
        get: operations["getConsistencyProof"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/proofs/inclusion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Inclusion proof of an event
         * @description Roles: auditor.
         */
        get: operations["getInclusionProof"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/public-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The SM2 key that signs tree heads, and the witnesses
         * @description Public: no sign-in.
         */
        get: operations["getAuditPublicKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/tree-heads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed tree head of a size
         * @description Public: no sign-in.
         */
        get: operations["getTreeHead"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/tree-heads/{size}/cosignatures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A configured witness's SM2 countersignature of a head
         * @description Public: no sign-in.
         */
        post: operations["addTreeHeadCosignature"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/tree-heads/latest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The latest signed tree head
         * @description Public: no sign-in.
         */
        get: operations["getLatestTreeHead"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Verify the log; name the first event that differs
         * @description Roles: auditor.
         */
        get: operations["verifyAuditLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/identity-provider": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether data subjects sign in at an identity provider, and where
         * @description Public: no sign-in.
         */
        get: operations["getIdentityProvider"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a username and password for a short-lived JWT (locked for a while after repeated wrong passwords: 429)
         * @description Public: no sign-in.
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/calendar/{year}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Holidays and make-up working days of a year; a year without its notice shows its provisional calendar (statutory holidays only)
         * @description Public: no sign-in.
         */
        get: operations["getCalendarYear"];
        /**
         * Enter or replace a year's holidays and make-up working days (from the State Council notice); open deadlines counting days of the year are recomputed
         * @description Roles: platform_admin.
         */
        put: operations["putCalendarYear"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/catalog/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export the catalog: format=dcat (DCAT-AP JSON-LD, open resources, public) or format=csv (whole published catalog, signed-in users)
         * @description Public for format=dcat; format=csv needs a signed-in user (any user role; not a system).
         *
         *     Optional sign-in: served without credentials; a token that is sent is checked (401 when invalid).
         */
        get: operations["exportCatalog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/departments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List departments
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["listDepartments"];
        put?: never;
        /**
         * Register a department (code = its 统一社会信用代码)
         * @description Roles: platform_admin.
         */
        post: operations["createDepartment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/departments/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a department
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["getDepartment"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Update a department: name (platform), webhook URL, rotate the webhook secret (returned once)
         * @description Roles: platform_admin, dept_admin.
         */
        patch: operations["updateDepartment"];
        trace?: never;
    };
    "/v1/departments/{code}/responsibilities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A department's sharing responsibility list (共享责任清单)
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["getResponsibilityList"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/discrepancies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * 一数一源: loaded copies disagreeing with their source
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["listDiscrepancies"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/discrepancies/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The source department closes a discrepancy
         * @description Roles: platform_admin, dept_admin.
         */
        post: operations["closeDiscrepancy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List grants: a department sees those it holds and those on its resources; admin and auditor see all
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["listGrants"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/grants/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A grant
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["getGrant"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/grants/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a grant (the providing department's admin or the platform); takes effect on the next call
         * @description Roles: platform_admin, dept_admin.
         */
        post: operations["revokeGrant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Route B applications waiting for the caller's department, with deadline and colour, most urgent first
         * @description Roles: dept_admin, dept_operator.
         */
        get: operations["listInbox"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who the caller is
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator, system.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/access-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who read my records: each access with its inclusion proof, counted per subject
         * @description Roles: data_subject.
         */
        get: operations["getMyAccessLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change your own password; every session signed in before it ends, so sign in again
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        post: operations["changeOwnPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's department's messages — pushes, decisions, yellow warnings, red cards, grant notices — with their webhook delivery status (auditors see all)
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["listNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/objections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Objections (纠错) raised by or to the caller's department
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["listObjections"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/objections/{id}/decision": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The provider's system corrects or rejects an objection
         * @description Roles: system.
         */
        post: operations["decideObjection"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search the catalog: substring text search, filters, facet counts
         * @description Everyone sees published and deprecated resources; the owning department and the platform also see drafts and resources in review.
         *
         *     Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["searchResources"];
        put?: never;
        /**
         * Draft a resource of the caller's department (version 1, status draft)
         * @description Roles: dept_admin, dept_operator.
         */
        post: operations["createResource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resources/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a resource (by uuid or URL-encoded code), at its published version or the one asked for
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["getResource"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Edit the draft; on a published resource, draft the next version (the published one keeps serving)
         * @description Roles: dept_admin, dept_operator.
         */
        patch: operations["updateResource"];
        trace?: never;
    };
    "/v1/resources/{id}/deprecate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deprecate a published resource: no new applications; existing grants run to expiry
         * @description Roles: dept_admin, platform_admin.
         */
        post: operations["deprecateResource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resources/{id}/records/{subjectId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read one subject's record: granted fields only, masked per data item; audited
         * @description Roles: system.
         */
        get: operations["getRecord"];
        /**
         * Load one hosted record (upsert) of the caller's department's published resource; previous values go to history
         * @description The body is the record: data item key → value, validated against the current published version; the subject key item must name the subject of the path. The reply holds no value of the record.
         *
         *     Roles: system.
         */
        put: operations["putRecord"];
        post?: never;
        /**
         * Tombstone a hosted record: consumers no longer find it; its values stay in history
         * @description Roles: system.
         */
        delete: operations["deleteRecord"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resources/{id}/records/{subjectId}/objections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 纠错: object to a field received under a grant
         * @description Roles: system, dept_admin, dept_operator.
         */
        post: operations["raiseObjection"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resources/{id}/records/batch-get": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Read up to 1,000 subjects: one result and one audit event per id; each valid id counts against the quota
         * @description Roles: system.
         */
        post: operations["batchGetRecords"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resources/{id}/records/bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Load many hosted records from an NDJSON stream: per-line validation, good lines loaded in one transaction
         * @description Content-Type application/x-ndjson, one record per line, at most BULK_LIMIT_BYTES. A bad line is rejected and reported (line, field, problem); every good line is loaded; the load commits whole or not at all. With an Idempotency-Key (optional; per system and resource) a retry with the same body answers the first reply and changes nothing; the same key with another body is 409.
         *
         *     Roles: system.
         */
        post: operations["bulkLoadRecords"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resources/{id}/records/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * 核验: whether claimed values equal the record's, never a value; limited per subject per day
         * @description Roles: system.
         */
        post: operations["verifyRecord"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resources/{id}/review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Publish or reject the version in review (a rejection needs a reason and returns it to draft)
         * @description Roles: platform_admin.
         */
        post: operations["reviewResource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resources/{id}/submit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send the draft for the platform review
         * @description Roles: dept_admin, dept_operator.
         */
        post: operations["submitResource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/resources/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the versions of a resource, newest first (others than the owner and the platform see published ones only)
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["listResourceVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/supervision/cases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Supervision cases (督办)
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["listSupervisionCases"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/supervision/cases/{id}/actions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Record an action on a case
         * @description Roles: platform_admin.
         */
        post: operations["addSupervisionAction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/supervision/departments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Per-department step figures (CSV for Accept: text/csv)
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["listDepartmentFigures"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/supervision/resources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Per-resource call figures
         * @description Roles: platform_admin, auditor.
         */
        get: operations["listResourceFigures"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/systems": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List client systems (departments see their own)
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["listSystems"];
        put?: never;
        /**
         * Register a client system of the caller's department; the reply holds its first API key, once
         * @description Roles: dept_admin.
         */
        post: operations["createSystem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/systems/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a client system
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["getSystem"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/systems/{id}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a system's API keys (never the keys themselves)
         * @description Roles: platform_admin, auditor, dept_admin, dept_operator.
         */
        get: operations["listSystemKeys"];
        put?: never;
        /**
         * Issue an additional API key (rotation); shown once
         * @description Roles: dept_admin.
         */
        post: operations["createSystemKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/systems/{id}/keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key; effective on the next request (the system's department admin, or the platform admin for incident response)
         * @description Roles: dept_admin, platform_admin.
         */
        delete: operations["revokeSystemKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List users (department admins see their own department's only)
         * @description Roles: platform_admin, dept_admin, auditor.
         */
        get: operations["listUsers"];
        put?: never;
        /**
         * Create a user (platform admin: department admins and operators of any department; department admin: operators of its own). Platform admins and auditors: sharehub CLI only
         * @description Roles: platform_admin, dept_admin.
         */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a user
         * @description Roles: platform_admin, dept_admin, auditor.
         */
        get: operations["getUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change display name, reset password, disable or enable a user of lower privilege (platform admin: department users; department admin: its own operators)
         * @description Roles: platform_admin, dept_admin.
         */
        patch: operations["updateUser"];
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ApiKey: {
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            id: string;
            /** @description first characters of the key, to tell keys apart */
            keyPrefix: string;
            /** Format: date-time */
            lastUsedAt: string | null;
            /** Format: date-time */
            revokedAt: string | null;
        };
        Application: {
            conditions: string | null;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            consumerCode: string;
            /** @description the narrowed fields, when the decision narrowed them */
            decidedFields: string[] | null;
            /** Format: date-time */
            decidedValidTo: string | null;
            /**
             * Format: date-time
             * @description deadline of the open step: the close of its last working day, Asia/Shanghai
             */
            dueAt: string | null;
            /** @description true when dueAt counts a day of a year whose holiday notice is not entered yet: it was computed on that year's statutory holidays alone and is recomputed when the notice is entered (PUT /v1/calendar/{year}); null without a deadline */
            dueProvisional: boolean | null;
            expectedDailyCalls: number;
            fields: string[];
            /** Format: uuid */
            grantId: string | null;
            /** Format: uuid */
            id: string;
            legalBasis: string;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            providerCode: string;
            purpose: string;
            resourceCode: string;
            /** Format: uuid */
            resourceId: string;
            resourceName: string;
            resourceVersion: number;
            /** @description the department that must act next */
            responsibleDepartment: string | null;
            /**
             * @description A: the platform serves; B: the provider decides
             * @enum {string|null}
             */
            route: "A" | "B" | null;
            serviceItemCode: string;
            /** @enum {string|null} */
            sla: "on_time" | "warning" | "overdue" | null;
            status: components["schemas"]["ApplicationStatus"];
            /** @enum {string|null} */
            step: "review" | "correction" | "provision" | "provider_decision" | "coordination" | null;
            /** Format: date-time */
            stepStartedAt: string | null;
            /** Format: date-time */
            submittedAt: string;
            /** Format: uuid */
            systemId: string;
            /** Format: date-time */
            updatedAt: string;
            /** Format: date-time */
            validFrom: string;
            /** Format: date-time */
            validTo: string;
        };
        ApplicationDetail: {
            conditions: string | null;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            consumerCode: string;
            /** @description the narrowed fields, when the decision narrowed them */
            decidedFields: string[] | null;
            /** Format: date-time */
            decidedValidTo: string | null;
            /**
             * Format: date-time
             * @description deadline of the open step: the close of its last working day, Asia/Shanghai
             */
            dueAt: string | null;
            /** @description true when dueAt counts a day of a year whose holiday notice is not entered yet: it was computed on that year's statutory holidays alone and is recomputed when the notice is entered (PUT /v1/calendar/{year}); null without a deadline */
            dueProvisional: boolean | null;
            expectedDailyCalls: number;
            fields: string[];
            /** Format: uuid */
            grantId: string | null;
            /** Format: uuid */
            id: string;
            legalBasis: string;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            providerCode: string;
            purpose: string;
            resourceCode: string;
            /** Format: uuid */
            resourceId: string;
            resourceName: string;
            resourceVersion: number;
            /** @description the department that must act next */
            responsibleDepartment: string | null;
            /**
             * @description A: the platform serves; B: the provider decides
             * @enum {string|null}
             */
            route: "A" | "B" | null;
            serviceItemCode: string;
            /** @enum {string|null} */
            sla: "on_time" | "warning" | "overdue" | null;
            status: components["schemas"]["ApplicationStatus"];
            /** @enum {string|null} */
            step: "review" | "correction" | "provision" | "provider_decision" | "coordination" | null;
            /** Format: date-time */
            stepStartedAt: string | null;
            /** Format: date-time */
            submittedAt: string;
            /** Format: uuid */
            systemId: string;
            timeline: components["schemas"]["TimelineEntry"][];
            /** Format: date-time */
            updatedAt: string;
            /** Format: date-time */
            validFrom: string;
            /** Format: date-time */
            validTo: string;
        };
        /** @enum {string} */
        ApplicationStatus: "pending_review" | "returned" | "rejected" | "provisioning" | "pending_provider" | "granted" | "denied" | "in_coordination" | "withdrawn";
        AuditEvent: {
            action: string;
            actorDepartment: string | null;
            actorId: string | null;
            actorKind: string;
            caseId: string | null;
            details: {
                [key: string]: unknown;
            };
            entityId: string;
            entityType: string;
            fields: string[] | null;
            grantId: string | null;
            id: number;
            latencyMs: number | null;
            /** Format: date-time */
            occurredAt: string;
            operatorId: string | null;
            outcome: string;
            reason: string | null;
            requestId: string | null;
            resourceId: string | null;
            seq: number | null;
            serviceItemCode: string | null;
            subjectMasked: string | null;
        };
        /** @description One id's result. A found result's fieldInfo names only the fields that did not come from the reply's source department as of the result's updatedAt — those answered by their authoritative source (一数一源) and those unavailable — and is absent when there are none. */
        BatchRecordResult: {
            /** @description the audit event of this subject */
            eventId: string;
            fieldInfo?: components["schemas"]["FieldInfo"];
            /** @description granted fields only, in catalog order; null when the record has no value (or when fieldInfo marks it unavailable) */
            fields?: {
                [key: string]: string | number | boolean | null;
            };
            /** @enum {string} */
            status: "found" | "not_found" | "invalid_id";
            /** @description the id asked for, masked */
            subjectId: string;
            /**
             * Format: date-time
             * @description when the providing department last loaded or changed this record
             */
            updatedAt?: string;
        };
        CalendarYear: {
            /** @description days off (放假) */
            holidays: string[];
            /** @description weekend days worked (调休上班); always empty when provisional */
            makeupWorkdays: string[];
            /** @description true while the year's holiday notice has not been entered: the year then counts the statutory holidays of the 全国年节及纪念日放假办法 (2024 revision) alone, with no make-up working days, and deadlines counted on it are marked provisional */
            provisional: boolean;
            /** @description the notice the days come from, as entered; for a provisional year, the statutory rule */
            source: string | null;
            /**
             * Format: date-time
             * @description when the notice was entered or last changed; null when provisional
             */
            updatedAt: string | null;
            /** @description working days in the year under this calendar */
            workingDays: number;
            year: number;
        };
        /** @description 管控参数: a parameter the service interface requires on every call (e.g. an authorisation letter number); any makes applications Route B */
        ControlParam: {
            description?: string;
            key: string;
            name: string;
        };
        CreatedDepartment: {
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            code: string;
            /** Format: date-time */
            createdAt: string;
            hasWebhook: boolean;
            isPlatform: boolean;
            /** @enum {string} */
            level: "province" | "city" | "district";
            name: string;
            parentCode: string | null;
            /** @description HMAC key for signed webhooks; shown only in this response */
            webhookSecret?: string;
            /** @description shown to the platform and to the department itself */
            webhookUrl?: string;
        };
        CreatedSystem: {
            /** Format: date-time */
            createdAt: string;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            departmentCode: string;
            description: string | null;
            /** Format: uuid */
            id: string;
            key: components["schemas"]["IssuedKey"];
            name: string;
        };
        /** @description 信息项: one data item (field) of the resource */
        DataItem: {
            authoritativeSource?: {
                itemKey: string;
                resourceCode: string;
            };
            description?: string;
            /** @description field key, unique within the resource; grants and records name fields by it */
            key: string;
            /** @description maximum length: characters, digits, or bytes for G (通用, e.g. a licence file) */
            length: number;
            /**
             * @description masking rule (脱敏) applied where the full value is not granted: "none" (value as is), "full" (every character replaced by *), "first:N" (keep the first N characters), "last:N" (keep the last N), "first:N,last:M" (keep both ends); N and M are 1–99 and must leave at least one character masked
             * @example first:6,last:4
             */
            mask: string;
            /** @description 信息项名称 */
            name: string;
            /**
             * @description sensitivity level: public 公开, internal 内部, sensitive 敏感 (personal information), highly_sensitive 高度敏感 (敏感个人信息: ID numbers, health, finances)
             * @enum {string}
             */
            sensitivity: "public" | "internal" | "sensitive" | "highly_sensitive";
            /**
             * @description C 字符 character, N 数值 numeric, Y 货币 currency, D 日期 date, T 日期时间 date-time, L 逻辑 boolean, M 备注 memo, G 通用 general/binary, B 双精度 double, I 整型 integer, F 浮点 float
             * @enum {string}
             */
            type: "C" | "N" | "Y" | "D" | "T" | "L" | "M" | "G" | "B" | "I" | "F";
        };
        DeadLetter: {
            /** Format: uuid */
            applicationId: string | null;
            attempts: number;
            /** Format: date-time */
            createdAt: string;
            /** @description ids and decisions only; fetch the application or grant for details */
            data: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            deadAt: string;
            departmentCode: string | null;
            /** Format: uuid */
            grantId: string | null;
            /** Format: uuid */
            id: string;
            lastError: string | null;
            redrives: number;
            type: string;
        };
        Department: {
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            code: string;
            /** Format: date-time */
            createdAt: string;
            hasWebhook: boolean;
            isPlatform: boolean;
            /** @enum {string} */
            level: "province" | "city" | "district";
            name: string;
            parentCode: string | null;
            /** @description shown to the platform and to the department itself */
            webhookUrl?: string;
        };
        DepartmentFigures: {
            casesOpen: number;
            casesOpened: number;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            departmentCode: string;
            departmentName: string;
            rank: number | null;
            steps: components["schemas"]["StepFigures"][];
            totals: components["schemas"]["StepFigures"];
        };
        Discrepancy: {
            copyDepartmentCode: string;
            /** Format: date-time */
            detectedAt: string;
            /** Format: uuid */
            id: string;
            itemKey: string;
            /** Format: date-time */
            lastSeenAt: string;
            note: string | null;
            occurrences: number;
            /** @enum {string|null} */
            resolution: "agreed" | "closed" | null;
            /** Format: date-time */
            resolvedAt: string | null;
            /** Format: uuid */
            resourceId: string;
            sourceDepartmentCode: string;
            sourceItemKey: string;
            /** Format: uuid */
            sourceResourceId: string;
            /** @enum {string} */
            status: "open" | "resolved";
            subjectId: string;
        };
        Facet: {
            count: number;
            label?: string;
            value: string;
        }[];
        FieldInfo: {
            [key: string]: {
                departmentCode: string;
                /** @enum {string} */
                unavailable?: "not_returned" | "invalid_value" | "provider_unavailable";
                /** Format: date-time */
                updatedAt: string | null;
            };
        };
        Grant: {
            /** Format: uuid */
            applicationId: string;
            conditions: string | null;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            consumerCode: string;
            /** Format: date-time */
            createdAt: string;
            dailyQuota: number;
            /** Format: date-time */
            expiredAt: string | null;
            /**
             * Format: date-time
             * @description when the consumer is told the grant runs out
             */
            expiryNoticeAt: string;
            fields: string[];
            /** Format: uuid */
            id: string;
            legalBasis: string;
            /** @description true: data calls return the granted fields unmasked; false (default): masked per data item (脱敏). Set only by the decision that issued the grant: the platform accepting on Route A or granting after coordination, the provider approving on Route B */
            plainValues: boolean;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            providerCode: string;
            purpose: string;
            /** Format: uuid */
            resourceId: string;
            /** @description the resource version the grant pins */
            resourceVersion: number;
            /** Format: date-time */
            revokedAt: string | null;
            revokeReason: string | null;
            /** @description 事项编码; data calls must name it */
            serviceItemCode: string;
            status: components["schemas"]["GrantStatus"];
            /** Format: uuid */
            systemId: string;
            /** Format: date-time */
            validFrom: string;
            /** Format: date-time */
            validTo: string;
        };
        /** @enum {string} */
        GrantStatus: "active" | "revoked" | "expired";
        Health: {
            checks?: {
                outbox?: string;
                postgres?: string;
                redis?: string;
            };
            failing?: ("postgres" | "redis" | "outbox")[];
            /** @enum {string} */
            status: "ok" | "unavailable";
        };
        IdentityProvider: {
            /** @description the provider's authorization endpoint the console sends them to (OAuth 2.0 response_type=token) */
            signInUrl: string | null;
            /** @description data subjects (citizens, companies) may sign in at the identity provider */
            subjectSignIn: boolean;
        };
        InclusionProof: {
            auditPath: string[];
            eventId: number;
            leafHash: string;
            leafIndex: number;
            rootHash: string;
            treeSize: number;
        };
        IssuedKey: {
            /** @description shk_… — shown only in this response; store it now */
            apiKey: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            id: string;
            keyPrefix: string;
        };
        Notification: {
            /** Format: date-time */
            createdAt: string;
            /** @description ids and decisions only; fetch the application or grant for details */
            data: {
                [key: string]: unknown;
            };
            delivery: {
                attempts: number;
                /** Format: date-time */
                deliveredAt: string | null;
                lastError: string | null;
                /** @enum {string} */
                status: "pending" | "queued" | "delivered" | "no_webhook" | "dead";
            };
            departmentCode: string;
            /**
             * Format: uuid
             * @description also the Idempotency-Key of the webhook delivery
             */
            id: string;
            /** @description e.g. application.pending_provider, application.granted, deadline.warning, deadline.overdue, grant.expiring, calendar.missing */
            type: string;
        };
        Objection: {
            consumerDepartmentCode: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            decidedAt: string | null;
            decisionReason: string | null;
            /** Format: date-time */
            dueAt: string;
            dueProvisional: boolean;
            /** Format: uuid */
            id: string;
            itemKey: string;
            notifiedSystems: number | null;
            providerDepartmentCode: string;
            reason: string;
            /** Format: uuid */
            resourceId: string;
            /** @enum {string} */
            sla: "on_time" | "warning" | "overdue";
            /** @enum {string} */
            status: "open" | "corrected" | "rejected";
            subjectId: string;
        };
        Principal: {
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            departmentCode: string;
            /** @enum {string} */
            kind: "user" | "system";
            role: string;
            /** Format: uuid */
            systemId?: string;
            /** Format: uuid */
            userId?: string;
            username?: string;
        };
        /** @description RFC 9457 problem details */
        Problem: {
            /** @description stable error code, e.g. GRANT_REQUIRED */
            code: string;
            currentState?: string;
            detail?: string;
            errors?: {
                message: string;
                pointer: string;
            }[];
            /** @description request id */
            instance?: string;
            status: number;
            title: string;
            type: string;
        };
        RecordReply: {
            fieldInfo?: components["schemas"]["FieldInfo"];
            /** @description granted fields only, in catalog order; null when the record has no value (or when fieldInfo marks it unavailable) */
            fields: {
                [key: string]: string | number | boolean | null;
            };
            receipt: {
                /** @description id of the audit event of this access: a receipt to cite */
                eventId: string;
            };
            /** Format: uuid */
            resourceId: string;
            source: {
                /** @description the providing department, the authoritative source (一数一源) */
                departmentCode: string;
                /**
                 * Format: date-time
                 * @description when the record was last loaded or changed
                 */
                updatedAt: string;
            };
            /** @description the subject id, masked (first 6 and last 4 characters) */
            subjectId: string;
        };
        RecordWriteOutcome: {
            /** @enum {string} */
            outcome: "inserted" | "updated" | "unchanged";
            /** Format: uuid */
            resourceId: string;
            /** @description The published version the record was validated against */
            resourceVersion: number;
            /** @description The subject id, first 6 and last 4 kept */
            subjectMasked: string;
            warnings: {
                field: string;
                problem: string;
            }[];
        };
        RegisteredDepartment: {
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            code: string;
            /** Format: date-time */
            createdAt: string;
            hasWebhook: boolean;
            isPlatform: boolean;
            /** @enum {string} */
            level: "province" | "city" | "district";
            name: string;
            parentCode: string | null;
            /** @description accepted, but worth a second look: e.g. a registration authority/type pair (pos 1–2) not in GB 32100 Table 1 */
            warnings: string[];
            /** @description HMAC key for signed webhooks; shown only in this response */
            webhookSecret: string;
            /** @description shown to the platform and to the department itself */
            webhookUrl?: string;
        };
        Resource: {
            categoryCode: string;
            code: string;
            contact: {
                email?: string;
                name: string;
                phone?: string;
            };
            controlParams: components["schemas"]["ControlParam"][];
            /** Format: date-time */
            createdAt: string;
            dataItems: components["schemas"]["DataItem"][];
            delivery: {
                /** @description shown to the owning department and the platform only */
                endpoint?: string;
                /** @enum {string} */
                mode: "hosted" | "provider_api";
            };
            /** @enum {string} */
            format: "electronic_file" | "spreadsheet" | "database" | "image" | "streaming_media" | "self_describing";
            formatSubtype: string | null;
            /** Format: uuid */
            id: string;
            /** @description newest version; above publishedVersion while a revision is drafted or in review (shown to the owning department and the platform; others see publishedVersion) */
            latestVersion: number;
            legalBasis: string | null;
            name: string;
            openConditions: string | null;
            openToPublic: boolean;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            providerCode: string;
            providerName: string;
            /**
             * Format: date
             * @description 发布日期 of this version (Asia/Shanghai)
             */
            publishDate: string | null;
            /** Format: date-time */
            publishedAt: string | null;
            /** @description the version applicants get and grants pin */
            publishedVersion: number | null;
            relatedCodes: string[];
            /** Format: date-time */
            reviewedAt: string | null;
            /** @description reason of the last review decision; owning department and platform only */
            reviewReason?: string | null;
            shareConditions: string | null;
            /** @enum {string} */
            shareMethod: "table" | "file" | "interface";
            /** @enum {integer} */
            shareType: 1 | 2 | 3;
            status: components["schemas"]["ResourceStatus"];
            subjectKey: string | null;
            /** @enum {string} */
            subjectType: "person" | "legal_entity" | "none";
            /** Format: date-time */
            submittedAt: string | null;
            summary: string;
            /** @enum {string} */
            updateCycle: "realtime" | "daily" | "weekly" | "monthly" | "quarterly" | "half_yearly" | "yearly" | "irregular";
            /** Format: date-time */
            updatedAt: string;
            /** @description the version shown */
            version: number;
            versionStatus: components["schemas"]["VersionStatus"];
        };
        ResourceFigures: {
            calls: number;
            errors: number;
            errorsByCode: {
                [key: string]: number;
            };
            latencyMs: {
                p50: number | null;
                p95: number | null;
                p99: number | null;
            };
            /** @description 一数一源 open now: as the source, as a copy (no deadline) */
            openDiscrepancies: {
                asCopy: number;
                asSource: number;
            };
            /** @description 纠错 open now, whatever the period: all, yellow, red (past the deadline) */
            openObjections: {
                open: number;
                redCards: number;
                warnings: number;
            };
            quotaRefusals: number;
            /** Format: uuid */
            resourceId: string;
            topConsumers: {
                calls: number;
                /** @description 统一社会信用代码 (GB 32100), checksum validated */
                departmentCode: string;
                errors: number;
            }[];
        };
        /**
         * @description life cycle of the resource; applications are accepted while published
         * @enum {string}
         */
        ResourceStatus: "draft" | "pending_review" | "published" | "deprecated";
        ResourceSummary: {
            categoryCode: string;
            code: string;
            /** @enum {string} */
            format: "electronic_file" | "spreadsheet" | "database" | "image" | "streaming_media" | "self_describing";
            /** Format: uuid */
            id: string;
            /**
             * @description status of the newest version; 'published' for other departments' resources (revisions are their department's business)
             * @enum {string}
             */
            latestStatus: "draft" | "pending_review" | "published" | "superseded";
            name: string;
            openToPublic: boolean;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            providerCode: string;
            providerName: string;
            /** Format: date-time */
            publishedAt: string | null;
            /** @enum {string} */
            shareMethod: "table" | "file" | "interface";
            shareType: number;
            status: components["schemas"]["ResourceStatus"];
            /** @enum {string} */
            subjectType: "person" | "legal_entity" | "none";
            summary: string;
            /** @enum {string} */
            updateCycle: "realtime" | "daily" | "weekly" | "monthly" | "quarterly" | "half_yearly" | "yearly" | "irregular";
            /** @description the version the entry shows: the published one, else the latest draft */
            version: number;
        };
        StepFigures: {
            decided: number;
            meanWorkingDays: number | null;
            onTime: number;
            onTimeRate: number | null;
            openRedCards: number;
            openWarnings: number;
            p90WorkingDays: number | null;
            received: number;
            redCards: number;
            step: string;
            warnings: number;
        };
        SupervisionCase: {
            actions: {
                /** Format: date-time */
                at: string;
                /** @enum {string} */
                kind: "reminder" | "interview" | "report";
                note: string;
            }[];
            /**
             * Format: uuid
             * @description the application whose step is late; null for an objection
             */
            applicationId: string | null;
            /** Format: date-time */
            closedAt: string | null;
            /** Format: date-time */
            dueAt: string;
            /** Format: uuid */
            id: string;
            /**
             * Format: uuid
             * @description the 纠错 objection (step 'objection') left undecided; else null
             */
            objectionId: string | null;
            /** Format: date-time */
            openedAt: string;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            responsibleCode: string;
            step: string;
            workingDaysLate: number;
        };
        SupervisionPeriod: {
            /** Format: date */
            from: string;
            timeZone: string;
            /**
             * Format: date
             * @description inclusive
             */
            to: string;
        };
        System: {
            /** Format: date-time */
            createdAt: string;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            departmentCode: string;
            description: string | null;
            /** Format: uuid */
            id: string;
            name: string;
        };
        TimelineEntry: {
            /** @description submit, accept, reject, return, resubmit, provision, approve, deny, request_coordination, coordination_grant, coordination_deny, withdraw, warn (黄牌预警), supervise (红牌督办), delivered, grant_revoked, deadline_recomputed (a calendar year was entered or changed) */
            action: string;
            actor: {
                departmentCode: string | null;
                id: string | null;
                kind: string;
            };
            /** Format: date-time */
            at: string;
            /** @description whether the step closed within its deadline */
            deadlineMet: boolean | null;
            decision: string | null;
            /**
             * Format: date-time
             * @description that step's deadline (for deadline_recomputed: the deadline before the calendar change)
             */
            dueAt: string | null;
            /** @description whether dueAt was counted on a provisional calendar (a year without its holiday notice) */
            dueProvisional: boolean | null;
            fromStatus: string | null;
            /**
             * Format: date-time
             * @description deadline of the step this entry opens (for deadline_recomputed: the new deadline of the same step)
             */
            nextDueAt: string | null;
            /** @description whether nextDueAt was counted on a provisional calendar */
            nextDueProvisional: boolean | null;
            reason: string | null;
            /** @description the step this entry closes or concerns */
            step: string | null;
            toStatus: string | null;
        };
        Token: {
            accessToken: string;
            /** @description seconds */
            expiresIn: number;
            /** @enum {string} */
            tokenType: "Bearer";
        };
        TreeHead: {
            checkpoint: string;
            cosignatures: {
                publicKey: string;
                /** Format: date-time */
                receivedAt: string;
                signature: string;
                witness: string;
            }[];
            origin: string;
            publicKey: string;
            rootHash: string;
            signature: string;
            size: number;
            /** Format: date-time */
            timestamp: string;
            witnessed: boolean;
        };
        /** @description 统一社会信用代码 (GB 32100), checksum validated */
        Uscc: string;
        User: {
            /** Format: date-time */
            createdAt: string;
            /** @description 统一社会信用代码 (GB 32100), checksum validated */
            departmentCode: string;
            displayName: string;
            /** Format: uuid */
            id: string;
            role: components["schemas"]["UserRole"];
            /** @enum {string} */
            status: "active" | "disabled";
            username: string;
        };
        /** @enum {string} */
        UserRole: "platform_admin" | "auditor" | "dept_admin" | "dept_operator";
        /** @enum {string} */
        VersionStatus: "draft" | "pending_review" | "published" | "superseded";
        VersionSummary: {
            /** Format: date-time */
            createdAt: string;
            name: string;
            /** Format: date-time */
            publishedAt: string | null;
            /** Format: date-time */
            reviewedAt: string | null;
            /** @description owning department and platform only */
            reviewReason?: string | null;
            status: components["schemas"]["VersionStatus"];
            /** Format: date-time */
            submittedAt: string | null;
            /** Format: date-time */
            updatedAt: string;
            version: number;
        };
    };
    responses: {
        /** @description The input does not match the schema, or a field is invalid */
        400: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No credentials, or invalid or expired ones */
        401: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The caller may not do this */
        403: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Not found, or not visible to the caller */
        404: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The current state does not allow this */
        409: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is larger than allowed */
        413: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is not of a type the route accepts */
        415: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Too many attempts: try again later */
        429: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The provider's endpoint failed or gave a reply the hub cannot use */
        502: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description A service the hub needs does not answer */
        503: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The provider's endpoint did not answer in time */
        504: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description OK */
        ApplicationDetail: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ApplicationDetail"];
            };
        };
        /** @description OK */
        CalendarYear: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["CalendarYear"];
            };
        };
        /** @description OK */
        Grant: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Grant"];
            };
        };
        /** @description OK */
        Health: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Health"];
            };
        };
        /** @description OK */
        Objection: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Objection"];
            };
        };
        /** @description OK */
        RecordWriteOutcome: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["RecordWriteOutcome"];
            };
        };
        /** @description OK */
        Resource: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Resource"];
            };
        };
        /** @description OK */
        TreeHead: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["TreeHead"];
            };
        };
        /** @description OK */
        User: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["User"];
            };
        };
    };
    parameters: {
        /** @description 办件编号: the case the data is read for */
        "header.x-case-id": string;
        /** @description the civil servant at the counter */
        "header.x-operator-id": string;
        /** @description 事项编码: must equal the grant's service item code */
        "header.x-service-item": string;
        "path.code": string;
        "path.id": string;
        /** @description the resource uuid, or its code URL-encoded (101001%2F00001) */
        "path.id.2": string;
        /** @description 公民身份号码 (GB 11643) or 统一社会信用代码 (GB 32100) */
        "path.subjectId": string;
        "path.subjectId.2": string;
        "path.year": number;
        /** @description nextCursor of the previous page, unchanged: the rows after it (no total is counted). Not combined with offset. */
        "query.cursor": string;
        "query.limit": number;
        "query.offset": number;
        /** @description Asia/Shanghai: 2026-03, 2026-W10, 2026-03-09, a..b, day, week, month (default) */
        "query.period": string;
        "query.resourceId": string;
        "query.side": "consumer" | "provider" | "all";
        "query.size": number;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getLiveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Health"];
            400: components["responses"]["400"];
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Health"];
            400: components["responses"]["400"];
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    listDeadLetters: {
        parameters: {
            query?: {
                limit?: components["parameters"]["query.limit"];
                offset?: components["parameters"]["query.offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["DeadLetter"][];
                        total: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    redriveDeadLetter: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Notification"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    listApplications: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page, unchanged: the rows after it (no total is counted). Not combined with offset. */
                cursor?: components["parameters"]["query.cursor"];
                limit?: components["parameters"]["query.limit"];
                offset?: components["parameters"]["query.offset"];
                resourceId?: components["parameters"]["query.resourceId"];
                /** @description a department's own applications, those for its resources, or both */
                side?: "consumer" | "provider" | "all";
                /** @description on_time, warning (黄牌预警) or overdue (红牌) */
                sla?: "on_time" | "warning" | "overdue";
                status?: components["schemas"]["ApplicationStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Application"][];
                        /** @description opaque cursor of the next page (send it as ?cursor=); null on the last page */
                        nextCursor: string | null;
                        total?: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    submitApplication: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description becomes the daily quota of the grant */
                    expectedDailyCalls: number;
                    /** @description data-item keys of the resource version */
                    fields: string[];
                    /** @description 依据: the law or policy the duty rests on */
                    legalBasis: string;
                    /** @description what the data is used for */
                    purpose: string;
                    /** Format: uuid */
                    resourceId: string;
                    /** @description 事项编码 of the government-service item */
                    serviceItemCode: string;
                    /** Format: uuid */
                    systemId: string;
                    /** Format: date-time */
                    validFrom: string;
                    /** Format: date-time */
                    validTo: string;
                };
            };
        };
        responses: {
            201: components["responses"]["ApplicationDetail"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            409: components["responses"]["409"];
        };
    };
    getApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ApplicationDetail"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    requestCoordination: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description why the department needs the data for its duties */
                    reason: string;
                };
            };
        };
        responses: {
            200: components["responses"]["ApplicationDetail"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    decideCoordination: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description conditions of use added to the grant */
                    conditions?: string;
                    /** @enum {string} */
                    decision: "grant" | "deny";
                    /**
                     * Format: date-time
                     * @description discretion: subjects see accesses in full from then
                     */
                    discloseAfter?: string;
                    /** @description a subset of the fields applied for */
                    fields?: string[];
                    /**
                     * @description the grant serves plain (unmasked) values; only in a decision that grants (see Grant)
                     * @default false
                     */
                    plainValues?: boolean;
                    /** @description required to deny */
                    reason?: string;
                    /**
                     * Format: date-time
                     * @description may only shorten the validity applied for
                     */
                    validTo?: string;
                };
            };
        };
        responses: {
            200: components["responses"]["ApplicationDetail"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    decideApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description conditions of use added to the grant */
                    conditions?: string;
                    /** @enum {string} */
                    decision: "approve" | "deny";
                    /**
                     * Format: date-time
                     * @description discretion: subjects see accesses in full from then
                     */
                    discloseAfter?: string;
                    /** @description a subset of the fields applied for */
                    fields?: string[];
                    /**
                     * @description the grant serves plain (unmasked) values; only in a decision that grants (see Grant)
                     * @default false
                     */
                    plainValues?: boolean;
                    /** @description required to deny */
                    reason?: string;
                    /**
                     * Format: date-time
                     * @description may only shorten the validity applied for
                     */
                    validTo?: string;
                };
            };
        };
        responses: {
            200: components["responses"]["ApplicationDetail"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    resubmitApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        /** @description corrections to the returned application; omitted terms stay as they were */
        requestBody: {
            content: {
                "application/json": {
                    /** @description becomes the daily quota of the grant */
                    expectedDailyCalls?: number;
                    /** @description data-item keys of the resource version */
                    fields?: string[];
                    /** @description 依据: the law or policy the duty rests on */
                    legalBasis?: string;
                    /** @description what the data is used for */
                    purpose?: string;
                    /** @description 事项编码 of the government-service item */
                    serviceItemCode?: string;
                    /** Format: date-time */
                    validFrom?: string;
                    /** Format: date-time */
                    validTo?: string;
                };
            };
        };
        responses: {
            200: components["responses"]["ApplicationDetail"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    reviewApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    decision: "accept" | "reject" | "return";
                    /**
                     * @description the grant serves plain (unmasked) values; only in a decision that grants (see Grant)
                     * @default false
                     */
                    plainValues?: boolean;
                    /** @description required to reject or return */
                    reason?: string;
                };
            };
        };
        responses: {
            200: components["responses"]["ApplicationDetail"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    withdrawApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        /** @description optional: a request without a body withdraws without a reason */
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            200: components["responses"]["ApplicationDetail"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                action?: string;
                caseId?: string;
                /** @description nextCursor of the previous page, unchanged: the rows after it (no total is counted). Not combined with offset. */
                cursor?: components["parameters"]["query.cursor"];
                /** @description 统一社会信用代码 (GB 32100), checksum validated */
                department?: string;
                format?: "json" | "csv";
                from?: string;
                limit?: components["parameters"]["query.limit"];
                outcome?: "success" | "failure";
                resource?: string;
                subjectId?: string;
                system?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["AuditEvent"][];
                        /** @description opaque cursor of the next page (send it as ?cursor=); null on the last page */
                        nextCursor: string | null;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    getConsistencyProof: {
        parameters: {
            query: {
                from: number;
                to: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        from: number;
                        fromRootHash: string;
                        proof: string[];
                        to: number;
                        toRootHash: string;
                    };
                };
            };
            400: components["responses"]["400"];
            404: components["responses"]["404"];
        };
    };
    getInclusionProof: {
        parameters: {
            query: {
                event: number;
                size?: components["parameters"]["query.size"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InclusionProof"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    getAuditPublicKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        algorithm: string;
                        origin: string;
                        publicKey: string;
                        publicKeyPem: string;
                        trustedPublicKeys: string[];
                        userId: string;
                        witnesses: {
                            name: string;
                            publicKey: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["400"];
        };
    };
    getTreeHead: {
        parameters: {
            query?: {
                size?: components["parameters"]["query.size"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["TreeHead"];
            400: components["responses"]["400"];
            404: components["responses"]["404"];
        };
    };
    addTreeHeadCosignature: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                size: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    signature: string;
                    witness: string;
                };
            };
        };
        responses: {
            200: components["responses"]["TreeHead"];
            400: components["responses"]["400"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    getLatestTreeHead: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["TreeHead"];
            404: components["responses"]["404"];
        };
    };
    verifyAuditLog: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        eventsChecked: number;
                        firstDifference: {
                            detail: string;
                            eventId: number | null;
                            /** @enum {string} */
                            kind: "changed" | "missing" | "inserted" | "leaf_missing" | "head" | "retention";
                            seq: number | null;
                        } | null;
                        headsChecked: number;
                        /** @description leaves whose events retention dropped: checked against the kept leaf hashes only */
                        keptHashesOnly: number;
                        ok: boolean;
                        problems: string[];
                        retention: {
                            detail: string;
                            events: number;
                            /** Format: date-time */
                            from: string;
                            headSize: number;
                            partition: string;
                            /** @description the positions (seq) the dropped events held, as a PostgreSQL int8multirange */
                            positions: string;
                            /** Format: date-time */
                            to: string;
                        }[];
                        treeSize: number;
                        unsequenced: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    getIdentityProvider: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityProvider"];
                };
            };
            400: components["responses"]["400"];
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password: string;
                    username: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Token"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            429: components["responses"]["429"];
        };
    };
    getCalendarYear: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                year: components["parameters"]["path.year"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["CalendarYear"];
            400: components["responses"]["400"];
        };
    };
    putCalendarYear: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                year: components["parameters"]["path.year"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    holidays: string[];
                    makeupWorkdays: string[];
                    /** @description the notice the days come from */
                    source?: string;
                };
            };
        };
        responses: {
            200: components["responses"]["CalendarYear"];
            201: components["responses"]["CalendarYear"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    exportCatalog: {
        parameters: {
            query: {
                /** @description dcat: DCAT-AP JSON-LD of open resources (public); csv: the whole published catalog (signed-in users) */
                format: "dcat" | "csv";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the catalog */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/ld+json": {
                        "@context": {
                            [key: string]: unknown;
                        };
                        "@id"?: string;
                        "@type": string;
                        "dcat:dataset": {
                            [key: string]: unknown;
                        }[];
                        "dcat:service"?: {
                            [key: string]: unknown;
                        }[];
                        "dct:description": {
                            [key: string]: unknown;
                        };
                        "dct:publisher": {
                            [key: string]: unknown;
                        };
                        "dct:title": {
                            [key: string]: unknown;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                    "text/csv": string;
                };
            };
            /** @description format=dcat: unchanged since the ETag sent in If-None-Match */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    listDepartments: {
        parameters: {
            query?: {
                limit?: components["parameters"]["query.limit"];
                offset?: components["parameters"]["query.offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Department"][];
                        total: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    createDepartment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description 统一社会信用代码 (GB 32100) */
                    code: string;
                    /** @enum {string} */
                    level: "province" | "city" | "district";
                    name: string;
                    parentCode?: components["schemas"]["Uscc"];
                    /** @description generated when omitted */
                    webhookSecret?: string;
                    /**
                     * Format: uri
                     * @description http(s) URL without credentials (no user:password@)
                     */
                    webhookUrl?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegisteredDepartment"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            409: components["responses"]["409"];
        };
    };
    getDepartment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                code: components["parameters"]["path.code"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Department"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    updateDepartment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                code: components["parameters"]["path.code"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    /** @description issue a new webhook secret, returned once */
                    rotateWebhookSecret?: boolean;
                    webhookUrl?: string | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedDepartment"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    getResponsibilityList: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the department's 统一社会信用代码 */
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description 共享责任清单: what the department provides, how often it updates it, and who answers for it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        department: {
                            code: components["schemas"]["Uscc"];
                            name: string;
                        };
                        items: {
                            code: string;
                            contact: {
                                email?: string;
                                name: string;
                                phone?: string;
                            };
                            /** Format: uuid */
                            id: string;
                            /**
                             * Format: date-time
                             * @description when the entry shown was last changed: its publication, or the last edit of an unpublished draft
                             */
                            lastUpdatedAt: string;
                            name: string;
                            /** @enum {string} */
                            shareMethod: "table" | "file" | "interface";
                            shareType: number;
                            status: components["schemas"]["ResourceStatus"];
                            /** @enum {string} */
                            updateCycle: "realtime" | "daily" | "weekly" | "monthly" | "quarterly" | "half_yearly" | "yearly" | "irregular";
                            version: number;
                        }[];
                        total: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    listDiscrepancies: {
        parameters: {
            query?: {
                limit?: components["parameters"]["query.limit"];
                offset?: components["parameters"]["query.offset"];
                resourceId?: components["parameters"]["query.resourceId"];
                side?: "source" | "copy" | "all";
                status?: "open" | "resolved";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Discrepancy"][];
                        total: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    closeDiscrepancy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    note: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Discrepancy"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    listGrants: {
        parameters: {
            query?: {
                applicationId?: string;
                /** @description nextCursor of the previous page, unchanged: the rows after it (no total is counted). Not combined with offset. */
                cursor?: components["parameters"]["query.cursor"];
                limit?: components["parameters"]["query.limit"];
                offset?: components["parameters"]["query.offset"];
                resourceId?: components["parameters"]["query.resourceId"];
                side?: components["parameters"]["query.side"];
                status?: components["schemas"]["GrantStatus"];
                systemId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Grant"][];
                        /** @description opaque cursor of the next page (send it as ?cursor=); null on the last page */
                        nextCursor: string | null;
                        total?: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    getGrant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Grant"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    revokeGrant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason: string;
                };
            };
        };
        responses: {
            200: components["responses"]["Grant"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    listInbox: {
        parameters: {
            query?: {
                limit?: components["parameters"]["query.limit"];
                offset?: components["parameters"]["query.offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Application"][];
                        total: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Principal"];
                };
            };
            401: components["responses"]["401"];
        };
    };
    getMyAccessLog: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page, unchanged: the rows after it (no total is counted). Not combined with offset. */
                cursor?: components["parameters"]["query.cursor"];
                limit?: components["parameters"]["query.limit"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        count: number;
                        entries: {
                            access: {
                                action?: string;
                                caseId?: string | null;
                                department?: string | null;
                                departmentName?: string | null;
                                fields?: string[] | null;
                                occurredAt?: string;
                                operatorId?: string | null;
                                outcome?: string;
                                resourceId?: string | null;
                                serviceItemCode?: string | null;
                                systemId?: string | null;
                            } | null;
                            auditPath: string[];
                            counterOf?: string;
                            discloseAfter: string | null;
                            /** @description the event was dropped by retention: leaf hash and proof only */
                            dropped: boolean;
                            event: {
                                action?: unknown;
                                actorDepartment?: unknown;
                                actorId?: unknown;
                                actorKind?: unknown;
                                caseId?: unknown;
                                details?: unknown;
                                entityId?: unknown;
                                entityType?: unknown;
                                entityVersion?: unknown;
                                fields?: unknown;
                                grantId?: unknown;
                                id?: unknown;
                                latencyMs?: unknown;
                                occurredAt?: unknown;
                                operatorId?: unknown;
                                outcome?: unknown;
                                reason?: unknown;
                                requestId?: unknown;
                                resourceId?: unknown;
                                serviceItemCode?: unknown;
                                subjectHash?: unknown;
                                subjectMasked?: unknown;
                            } | null;
                            leafHash: string;
                            sealed: boolean;
                            seq: number;
                            subjectSeq: number;
                        }[];
                        head: components["schemas"]["TreeHead"];
                        /** @description opaque cursor of the next page (send it as ?cursor=); null on the last page */
                        nextCursor: string | null;
                        pending: number;
                        statement: string;
                        statementSignature: string;
                        subjectHash: string;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    changeOwnPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    currentPassword: string;
                    newPassword: string;
                };
            };
        };
        responses: {
            /** @description OK */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            429: components["responses"]["429"];
        };
    };
    listNotifications: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page, unchanged: the rows after it (no total is counted). Not combined with offset. */
                cursor?: components["parameters"]["query.cursor"];
                limit?: components["parameters"]["query.limit"];
                offset?: components["parameters"]["query.offset"];
                type?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Notification"][];
                        /** @description opaque cursor of the next page (send it as ?cursor=); null on the last page */
                        nextCursor: string | null;
                        total?: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    listObjections: {
        parameters: {
            query?: {
                limit?: components["parameters"]["query.limit"];
                offset?: components["parameters"]["query.offset"];
                resourceId?: components["parameters"]["query.resourceId"];
                side?: components["parameters"]["query.side"];
                status?: "open" | "corrected" | "rejected";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Objection"][];
                        total: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    decideObjection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    decision: "correct" | "reject";
                    reason: string;
                    value?: string | number | boolean;
                };
            };
        };
        responses: {
            200: components["responses"]["Objection"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    searchResources: {
        parameters: {
            query?: {
                /** @description classification prefix: 1, 101, 101001, … */
                category?: string;
                format?: "electronic_file" | "spreadsheet" | "database" | "image" | "streaming_media" | "self_describing";
                /** @description status of the newest version: 'pending_review' lists everything awaiting review, revisions of published resources included. Revisions are seen by their department and the platform only: to others every resource's newest version is 'published'. */
                latestStatus?: "draft" | "pending_review" | "published";
                limit?: number;
                offset?: number;
                openToPublic?: boolean;
                /** @description provider department code (统一社会信用代码) */
                provider?: string;
                /** @description substring search over name, summary and data-item names; no word segmentation, so any part of a word matches (婚姻 finds 婚姻登记信息). Whitespace separates terms that must all match: at most 8, of which at most one may be a single character (a query of one character alone, such as 信, reads every entry and answers more slowly). Case-insensitive for Latin letters. */
                q?: string;
                shareMethod?: "table" | "file" | "interface";
                shareType?: 1 | 2 | 3;
                status?: "draft" | "pending_review" | "published" | "deprecated";
                subjectType?: "person" | "legal_entity" | "none";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description counts over every match of the current query and filters (not only this page); each facet sums to total. category counts by 类+项 (the first 3 digits). */
                        facets: {
                            category: components["schemas"]["Facet"];
                            format: components["schemas"]["Facet"];
                            provider: components["schemas"]["Facet"];
                            shareMethod: components["schemas"]["Facet"];
                            shareType: components["schemas"]["Facet"];
                            status: components["schemas"]["Facet"];
                            subjectType: components["schemas"]["Facet"];
                        };
                        items: components["schemas"]["ResourceSummary"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    createResource: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Drafts a resource of the caller's department */
        requestBody: {
            content: {
                "application/json": {
                    /** @description 信息资源分类; must equal the 分类码 part of the code (derived from it when omitted) */
                    categoryCode?: string;
                    /**
                     * @description 信息资源代码 分类码/顺序码: 类 1|2|3, 项 2 digits, 目 3 digits, optional 细目 digits, "/", sequence digits; e.g. 101001/00001
                     * @example 101001/00001
                     */
                    code: string;
                    /** @description the responsible contact (共享责任人); phone or email required */
                    contact: {
                        /** Format: email */
                        email?: string;
                        name: string;
                        phone?: string;
                    };
                    /** @default [] */
                    controlParams?: components["schemas"]["ControlParam"][];
                    dataItems: components["schemas"]["DataItem"][];
                    /** @description how the hub serves the data: "hosted" (the provider loads records into the hub) or "provider_api" (the hub forwards to the endpoint) */
                    delivery: {
                        /**
                         * Format: uri
                         * @description required for provider_api, absent for hosted
                         */
                        endpoint?: string;
                        /** @enum {string} */
                        mode: "hosted" | "provider_api";
                    };
                    /**
                     * @description 信息资源格式: electronic_file 电子文件, spreadsheet 电子表格, database 数据库, image 图形图像, streaming_media 流媒体, self_describing 自描述格式
                     * @enum {string}
                     */
                    format: "electronic_file" | "spreadsheet" | "database" | "image" | "streaming_media" | "self_describing";
                    /** @description sub-type, e.g. OFD, XLSX, PostgreSQL, JSON */
                    formatSubtype?: string;
                    /** @description 共享依据 legal basis; required for types 2 and 3 */
                    legalBasis?: string;
                    /** @description 信息资源名称 */
                    name: string;
                    /** @description 开放条件; only when openToPublic */
                    openConditions?: string;
                    /**
                     * @description 开放属性: open to the public
                     * @default false
                     */
                    openToPublic?: boolean;
                    /**
                     * @description 关联资源代码
                     * @default []
                     */
                    relatedCodes?: string[];
                    /** @description 共享条件; required for type 2, absent for type 1 */
                    shareConditions?: string;
                    /**
                     * @description 共享方式: table 库表交换, file 文件, interface 接口
                     * @enum {string}
                     */
                    shareMethod: "table" | "file" | "interface";
                    /**
                     * @description 共享类型: 1 无条件共享 unconditional, 2 有条件共享 conditional, 3 不予共享 not shared
                     * @enum {integer}
                     */
                    shareType: 1 | 2 | 3;
                    /** @description the data item key holding the subject id; required unless subjectType is none */
                    subjectKey?: string;
                    /**
                     * @description whose records: person (keyed by 公民身份号码), legal_entity (by 统一社会信用代码), none
                     * @enum {string}
                     */
                    subjectType: "person" | "legal_entity" | "none";
                    /** @description 信息资源摘要 */
                    summary: string;
                    /**
                     * @description 更新周期
                     * @enum {string}
                     */
                    updateCycle: "realtime" | "daily" | "weekly" | "monthly" | "quarterly" | "half_yearly" | "yearly" | "irregular";
                };
            };
        };
        responses: {
            201: components["responses"]["Resource"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            409: components["responses"]["409"];
        };
    };
    getResource: {
        parameters: {
            query?: {
                /** @description a specific version; default: the published version, or the latest draft for those who may see drafts */
                version?: number;
            };
            header?: never;
            path: {
                /** @description the resource uuid, or its code URL-encoded (101001%2F00001) */
                id: components["parameters"]["path.id.2"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Resource"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    updateResource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the resource uuid, or its code URL-encoded (101001%2F00001) */
                id: components["parameters"]["path.id.2"];
            };
            cookie?: never;
        };
        /** @description Changes fields of the draft (top-level fields are replaced whole; null clears an optional one). On a published resource this drafts a new version; the code never changes. */
        requestBody: {
            content: {
                "application/json": {
                    /** @description the responsible contact (共享责任人); phone or email required */
                    contact?: {
                        /** Format: email */
                        email?: string;
                        name: string;
                        phone?: string;
                    };
                    controlParams?: components["schemas"]["ControlParam"][];
                    dataItems?: components["schemas"]["DataItem"][];
                    /** @description how the hub serves the data: "hosted" (the provider loads records into the hub) or "provider_api" (the hub forwards to the endpoint) */
                    delivery?: {
                        /**
                         * Format: uri
                         * @description required for provider_api, absent for hosted
                         */
                        endpoint?: string;
                        /** @enum {string} */
                        mode: "hosted" | "provider_api";
                    };
                    /**
                     * @description 信息资源格式: electronic_file 电子文件, spreadsheet 电子表格, database 数据库, image 图形图像, streaming_media 流媒体, self_describing 自描述格式
                     * @enum {string}
                     */
                    format?: "electronic_file" | "spreadsheet" | "database" | "image" | "streaming_media" | "self_describing";
                    /** @description sub-type, e.g. OFD, XLSX, PostgreSQL, JSON */
                    formatSubtype?: string | null;
                    /** @description 共享依据 */
                    legalBasis?: string | null;
                    /** @description 信息资源名称 */
                    name?: string;
                    /** @description 开放条件 */
                    openConditions?: string | null;
                    openToPublic?: boolean;
                    /** @description 关联资源代码 */
                    relatedCodes?: string[];
                    /** @description 共享条件 */
                    shareConditions?: string | null;
                    /**
                     * @description 共享方式: table 库表交换, file 文件, interface 接口
                     * @enum {string}
                     */
                    shareMethod?: "table" | "file" | "interface";
                    /**
                     * @description 共享类型: 1 无条件共享 unconditional, 2 有条件共享 conditional, 3 不予共享 not shared
                     * @enum {integer}
                     */
                    shareType?: 1 | 2 | 3;
                    /** @description the data item key holding the subject id; required unless subjectType is none */
                    subjectKey?: string | null;
                    /**
                     * @description whose records: person (keyed by 公民身份号码), legal_entity (by 统一社会信用代码), none
                     * @enum {string}
                     */
                    subjectType?: "person" | "legal_entity" | "none";
                    /** @description 信息资源摘要 */
                    summary?: string;
                    /**
                     * @description 更新周期
                     * @enum {string}
                     */
                    updateCycle?: "realtime" | "daily" | "weekly" | "monthly" | "quarterly" | "half_yearly" | "yearly" | "irregular";
                };
            };
        };
        responses: {
            200: components["responses"]["Resource"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    deprecateResource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the resource uuid, or its code URL-encoded (101001%2F00001) */
                id: components["parameters"]["path.id.2"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason: string;
                };
            };
        };
        responses: {
            200: components["responses"]["Resource"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    getRecord: {
        parameters: {
            query?: {
                /** @description comma-separated data item keys: only these (all granted when absent); a key not granted is 403 FIELD_NOT_GRANTED */
                fields?: string;
            };
            header: {
                /** @description 办件编号: the case the data is read for */
                "x-case-id": components["parameters"]["header.x-case-id"];
                /** @description the civil servant at the counter */
                "x-operator-id": components["parameters"]["header.x-operator-id"];
                /** @description 事项编码: must equal the grant's service item code */
                "x-service-item": components["parameters"]["header.x-service-item"];
            };
            path: {
                id: components["parameters"]["path.id"];
                /** @description 公民身份号码 (GB 11643) or 统一社会信用代码 (GB 32100) */
                subjectId: components["parameters"]["path.subjectId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecordReply"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            429: components["responses"]["429"];
            502: components["responses"]["502"];
            503: components["responses"]["503"];
            504: components["responses"]["504"];
        };
    };
    putRecord: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the resource uuid, or its code URL-encoded (101001%2F00001) */
                id: components["parameters"]["path.id.2"];
                subjectId: components["parameters"]["path.subjectId.2"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            200: components["responses"]["RecordWriteOutcome"];
            201: components["responses"]["RecordWriteOutcome"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    deleteRecord: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the resource uuid, or its code URL-encoded (101001%2F00001) */
                id: components["parameters"]["path.id.2"];
                subjectId: components["parameters"]["path.subjectId.2"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    raiseObjection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
                /** @description 公民身份号码 (GB 11643) or 统一社会信用代码 (GB 32100) */
                subjectId: components["parameters"]["path.subjectId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    field: string;
                    reason: string;
                };
            };
        };
        responses: {
            201: components["responses"]["Objection"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    batchGetRecords: {
        parameters: {
            query?: never;
            header: {
                /** @description 办件编号: the case the data is read for */
                "x-case-id": components["parameters"]["header.x-case-id"];
                /** @description the civil servant at the counter */
                "x-operator-id": components["parameters"]["header.x-operator-id"];
                /** @description 事项编码: must equal the grant's service item code */
                "x-service-item": components["parameters"]["header.x-service-item"];
            };
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    fields?: string[];
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        resourceId: string;
                        /** @description one per id, in the order asked */
                        results: components["schemas"]["BatchRecordResult"][];
                        source: {
                            departmentCode: components["schemas"]["Uscc"];
                        };
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            429: components["responses"]["429"];
            502: components["responses"]["502"];
            503: components["responses"]["503"];
            504: components["responses"]["504"];
        };
    };
    bulkLoadRecords: {
        parameters: {
            query?: never;
            header?: {
                "idempotency-key"?: string;
            };
            path: {
                /** @description the resource uuid, or its code URL-encoded (101001%2F00001) */
                id: components["parameters"]["path.id.2"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        errors: {
                            /** @description The data item key, or '' for the line as a whole */
                            field: string;
                            line: number;
                            problem: string;
                        }[];
                        errorsTruncated: boolean;
                        inserted: number;
                        /** @description Non-empty lines read */
                        received: number;
                        /** @description Lines not loaded; each has at least one entry in errors */
                        rejected: number;
                        /** Format: uuid */
                        resourceId: string;
                        resourceVersion: number;
                        /** @description Records loaded again with equal values: nothing written */
                        unchanged: number;
                        /** @description Records replaced with different values (the previous ones went to history) */
                        updated: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            413: components["responses"]["413"];
            415: components["responses"]["415"];
        };
    };
    verifyRecord: {
        parameters: {
            query?: never;
            header: {
                /** @description 办件编号: the case the data is read for */
                "x-case-id": components["parameters"]["header.x-case-id"];
                /** @description the civil servant at the counter */
                "x-operator-id": components["parameters"]["header.x-operator-id"];
                /** @description 事项编码: must equal the grant's service item code */
                "x-service-item": components["parameters"]["header.x-service-item"];
            };
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    claims: {
                        [key: string]: string | number | boolean;
                    };
                    id: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        receipt: {
                            /** @description id of the audit event of this access: a receipt to cite */
                            eventId: string;
                        };
                        /** Format: uuid */
                        resourceId: string;
                        /** @description per claimed field (not_found: no value; unavailable: the provider did not answer); never a value */
                        results: {
                            [key: string]: "match" | "no_match" | "not_found" | "unavailable";
                        };
                        subjectId: string;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            429: components["responses"]["429"];
            502: components["responses"]["502"];
            503: components["responses"]["503"];
            504: components["responses"]["504"];
        };
    };
    reviewResource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the resource uuid, or its code URL-encoded (101001%2F00001) */
                id: components["parameters"]["path.id.2"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    decision: "publish" | "reject";
                    /** @description required when rejecting */
                    reason?: string;
                };
            };
        };
        responses: {
            200: components["responses"]["Resource"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    submitResource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the resource uuid, or its code URL-encoded (101001%2F00001) */
                id: components["parameters"]["path.id.2"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Resource"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    listResourceVersions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the resource uuid, or its code URL-encoded (101001%2F00001) */
                id: components["parameters"]["path.id.2"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        items: components["schemas"]["VersionSummary"][];
                        latestVersion: number;
                        publishedVersion: number | null;
                        /** Format: uuid */
                        resourceId: string;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    listSupervisionCases: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["SupervisionCase"][];
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    addSupervisionAction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    kind: "reminder" | "interview" | "report";
                    note: string;
                };
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SupervisionCase"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    listDepartmentFigures: {
        parameters: {
            query?: {
                /** @description Asia/Shanghai: 2026-03, 2026-W10, 2026-03-09, a..b, day, week, month (default) */
                period?: components["parameters"]["query.period"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["DepartmentFigures"][];
                        period: components["schemas"]["SupervisionPeriod"];
                    };
                    "text/csv": string;
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    listResourceFigures: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Asia/Shanghai: 2026-03, 2026-W10, 2026-03-09, a..b, day, week, month (default) */
                period?: components["parameters"]["query.period"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ResourceFigures"][];
                        period: components["schemas"]["SupervisionPeriod"];
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    listSystems: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["System"][];
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    createSystem: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string;
                    name: string;
                };
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedSystem"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            409: components["responses"]["409"];
        };
    };
    getSystem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["System"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    listSystemKeys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ApiKey"][];
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    createSystemKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedKey"];
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    revokeSystemKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
            409: components["responses"]["409"];
        };
    };
    listUsers: {
        parameters: {
            query?: {
                /** @description 统一社会信用代码 (GB 32100), checksum validated */
                departmentCode?: string;
                limit?: components["parameters"]["query.limit"];
                offset?: components["parameters"]["query.offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["User"][];
                        total: number;
                    };
                };
            };
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description defaults to the caller's department */
                    departmentCode?: string;
                    displayName: string;
                    password: string;
                    role: components["schemas"]["UserRole"];
                    /** @description lowercase letters, digits, . _ - */
                    username: string;
                };
            };
        };
        responses: {
            201: components["responses"]["User"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            409: components["responses"]["409"];
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["User"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["path.id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    displayName?: string;
                    password?: string;
                    /** @enum {string} */
                    status?: "active" | "disabled";
                };
            };
        };
        responses: {
            200: components["responses"]["User"];
            400: components["responses"]["400"];
            401: components["responses"]["401"];
            403: components["responses"]["403"];
            404: components["responses"]["404"];
        };
    };
}
