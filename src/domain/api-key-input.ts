import { ValidationError } from './errors.ts';
import { isGrantableScope } from './scopes.ts';

/** Validates what createApiKey receives: a label people recognise and known scopes. */
export function validateApiKeyInput(input: { label: string; scopes: readonly string[] }): {
  label: string;
  scopes: string[];
} {
  const label = input.label.trim();
  if (label.length < 1 || label.length > 100)
    throw new ValidationError('label', 'must be 1 to 100 characters');
  if (input.scopes.length === 0) throw new ValidationError('scopes', 'name at least one scope');
  const unknown = input.scopes.filter((s) => !isGrantableScope(s));
  if (unknown.length > 0)
    throw new ValidationError('scopes', `unknown scope ${unknown.join(', ')}`, { unknown });
  return { label, scopes: [...new Set(input.scopes)].sort() };
}
