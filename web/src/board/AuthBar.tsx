/** The caller's API key or bearer token, kept in localStorage and sent with every request. */
import { useState } from 'preact/hooks';
import { loadCredentials, saveCredentials, type Credentials } from '../shared/credentials';

export function AuthBar({ authRequired, onChange }: { authRequired: boolean; onChange: () => void }) {
  const stored = loadCredentials();
  const [kind, setKind] = useState<Credentials['kind']>(stored?.kind ?? 'apiKey');
  const [value, setValue] = useState(stored?.value ?? '');
  const save = (e: Event): void => {
    e.preventDefault();
    saveCredentials(value ? { kind, value } : undefined);
    onChange();
  };
  return (
    <form class="auth" onSubmit={save}>
      <select
        aria-label="Credential kind"
        value={kind}
        onChange={(e) => setKind((e.target as HTMLSelectElement).value as Credentials['kind'])}
      >
        <option value="apiKey">API key</option>
        <option value="bearer">Bearer token (JWT)</option>
      </select>
      <input
        type="password"
        aria-label="Credential"
        placeholder={authRequired ? 'required by this gateway' : 'not required here'}
        autoComplete="off"
        value={value}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
      />
      <button type="submit">Use</button>
    </form>
  );
}
