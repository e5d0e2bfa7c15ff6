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
