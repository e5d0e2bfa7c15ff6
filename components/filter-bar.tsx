type Option = { value: string; label: string };
type Field = { name: string; label: string; options?: Option[]; placeholder?: string };

/** A GET form: filters live in the URL, so views are linkable and the server does the filtering. */
export function FilterBar({
  fields,
  values,
  action,
  keep = {},
}: {
  fields: Field[];
  values: Record<string, string | undefined>;
  action: string;
  /** Params a new filter carries over unchanged (the sort and page size); the page starts again at the first. */
  keep?: Record<string, string | undefined>;
}) {
  return (
    <form action={action} method="get" className="flex flex-wrap items-end gap-3" role="search">
      {Object.entries(keep).map(([name, value]) => value && <input key={name} type="hidden" name={name} value={value} />)}
      {fields.map((f) => (
        <div key={f.name}>
          <label htmlFor={`f-${f.name}`} className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
            {f.label}
          </label>
          {f.options ? (
            <select id={`f-${f.name}`} name={f.name} defaultValue={values[f.name] ?? ''} className="input py-1.5">
              <option value="">All</option>
              {f.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={`f-${f.name}`}
              name={f.name}
              defaultValue={values[f.name] ?? ''}
              placeholder={f.placeholder}
              className="input py-1.5"
              aria-keyshortcuts={f.name === 'q' ? '/' : undefined}
            />
          )}
        </div>
      ))}
      <button type="submit" className="btn">
        Filter
      </button>
    </form>
  );
}
