import { NotFoundPanel } from '@/components/not-found-panel';

// An address no route matches: outside the console shell, which needs a signed-in user.
export default function NotFound() {
  return (
    <main className="p-6">
      <NotFoundPanel />
    </main>
  );
}
