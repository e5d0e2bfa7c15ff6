import { oidcProviders } from '@/lib/auth/oidc/settings';
import { ssoLogin } from './actions';

/** One "Sign in with <name>" per configured OpenID Connect provider; nothing when there is none. */
export function SsoButtons({ next }: { next: string }) {
  const providers = oidcProviders();
  if (!providers.length) return null;
  return (
    <div className="mt-6 space-y-2 border-t border-slate-200 pt-4 dark:border-slate-800">
      <p className="text-center text-xs text-slate-500 dark:text-slate-400">or</p>
      {providers.map((p) => (
        <form key={p.id} action={ssoLogin}>
          <input type="hidden" name="provider" value={p.id} />
          <input type="hidden" name="next" value={next} />
          <button type="submit" className="btn-secondary w-full justify-center">
            Sign in with {p.name}
          </button>
        </form>
      ))}
    </div>
  );
}
