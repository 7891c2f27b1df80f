import { AppError } from './errors.js';

// PostgreSQL error codes that bad input can cause become typed domain errors here, once,
// so that a constraint violation is a 4xx naming the cause, never a 500.
interface PgError {
  code?: string;
  constraint?: string;
  column?: string;
  detail?: string;
}

const isPgError = (err: unknown): err is PgError =>
  typeof err === 'object' && err !== null && typeof (err as PgError).code === 'string' && /^[0-9A-Z]{5}$/.test((err as PgError).code!);

export function translatePgError(err: unknown): AppError | undefined {
  if (!isPgError(err)) return undefined;
  const field = err.constraint ?? err.column ?? 'value';
  switch (err.code) {
    case '23505':
      return new AppError('ALREADY_EXISTS', `${describe(err)} already exists`, { extra: { constraint: err.constraint } });
    case '23503':
      return new AppError('CONFLICT', `${field}: refers to something that does not exist or is still referenced`);
    case '23502':
      return new AppError('VALIDATION_FAILED', `${err.column ?? 'a required value'} is required`);
    case '23514':
      return new AppError('VALIDATION_FAILED', `${field}: value not allowed`);
    case '22001':
      return new AppError('VALIDATION_FAILED', 'a value is too long');
    case '22003':
      return new AppError('VALIDATION_FAILED', 'a number is out of range');
    case '22P02':
    case '22007':
    case '22008':
      return new AppError('VALIDATION_FAILED', 'a value has the wrong format');
    // U+0000 in text (22021) or in jsonb (22P05): PostgreSQL cannot store it, whatever the client meant.
    case '22021':
    case '22P05':
      return new AppError('VALIDATION_FAILED', 'a value holds a character that cannot be stored (U+0000)');
    default:
      return undefined;
  }
}

// "Key (code)=(9135...) already exists." → "code 9135..."; the value named is the client's own input.
function describe(err: PgError): string {
  const m = err.detail?.match(/^Key \((.+)\)=\((.+)\) already exists/);
  return m ? `${m[1]} ${m[2]}` : (err.constraint ?? 'value');
}
