'use client';

export function ThemeToggle() {
  return (
    <button
      type="button"
      className="btn-secondary"
      onClick={() => {
        const dark = document.documentElement.classList.toggle('dark');
        localStorage.setItem('ecs-theme', dark ? 'dark' : 'light');
      }}
    >
      Toggle theme
    </button>
  );
}
