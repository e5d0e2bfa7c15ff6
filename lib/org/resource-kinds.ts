export const resourceTypes = [
  'compute',
  'memory',
  'storage',
  'network',
  'database',
  'analytics',
  'secure-storage',
  'compliance-tools',
  'crm-access',
  'communication',
] as const;
export type ResourceType = (typeof resourceTypes)[number];

/** Units, monthly cost per unit (USD) and the organisation's totals, as the design has them. */
export const resourceKindCatalog: Record<ResourceType, { unit: string; costPerUnit: number; total: number }> = {
  compute: { unit: 'vCPU', costPerUnit: 25, total: 2000 },
  memory: { unit: 'GB', costPerUnit: 4, total: 8000 },
  storage: { unit: 'GB', costPerUnit: 0.1, total: 50000 },
  network: { unit: 'Mbps', costPerUnit: 0.5, total: 10000 },
  database: { unit: 'connections', costPerUnit: 10, total: 500 },
  analytics: { unit: 'units', costPerUnit: 50, total: 100 },
  'secure-storage': { unit: 'GB', costPerUnit: 0.5, total: 5000 },
  'compliance-tools': { unit: 'licences', costPerUnit: 120, total: 50 },
  'crm-access': { unit: 'licences', costPerUnit: 60, total: 200 },
  communication: { unit: 'licences', costPerUnit: 8, total: 1000 },
};

/** Share of each organisation total that is guaranteed to departments; the rest is the shared reserve. */
export const GUARANTEED_SHARE = 0.73;

/**
 * What an agent gets of a kind when it names the kind without an amount (`resources: ['compute',
 * 'memory']`): a modest working set, drawn from its department's pool like any other grant.
 */
export const defaultGrant: Record<ResourceType, number> = {
  compute: 1,
  memory: 2,
  storage: 10,
  network: 10,
  database: 1,
  analytics: 1,
  'secure-storage': 5,
  'compliance-tools': 1,
  'crm-access': 1,
  communication: 1,
};

/** A list of kinds means the default grant of each; amounts are taken as given. */
export function resourceAmountsOf(
  resources: Partial<Record<ResourceType, number>> | readonly ResourceType[],
): Partial<Record<ResourceType, number>> {
  if (!Array.isArray(resources)) return resources as Partial<Record<ResourceType, number>>;
  return Object.fromEntries((resources as readonly ResourceType[]).map((k) => [k, defaultGrant[k]]));
}
