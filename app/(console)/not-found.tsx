import { NotFoundPanel } from '@/components/not-found-panel';

// A console page's notFound() (an unknown or out-of-scope id): inside the shell, navigation and all.
export default function ConsoleNotFound() {
  return <NotFoundPanel />;
}
