type Pool = { type: string; allocated: number; capacity: number; available: number; utilisation: number };

/** A department's pools: what is held, what there is, what is left. */
export function PoolTable({ pools }: { pools: Pool[] }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Allocated</th>
          <th scope="col">Capacity</th>
          <th scope="col">Available</th>
          <th scope="col">Use</th>
        </tr>
      </thead>
      <tbody>
        {pools.map((r) => (
          <tr key={r.type}>
            <td>{r.type}</td>
            <td className="tabular-nums">{r.allocated}</td>
            <td className="tabular-nums">{r.capacity}</td>
            <td className="tabular-nums">{r.available}</td>
            <td className="tabular-nums">{(r.utilisation * 100).toFixed(1)}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
