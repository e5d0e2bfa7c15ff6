import { GUARANTEED_SHARE, resourceKindCatalog, type ResourceType } from './resource-kinds';

export type DepartmentDefinition = {
  id: string;
  name: string;
  description: string;
  specializations: string[];
  capabilities: string[];
  resourceTypes: ResourceType[];
  maxAgents: number;
  collaboratesWith: string[];
};

const all = ['engineering', 'marketing', 'sales', 'finance', 'hr', 'operations', 'research', 'legal', 'it', 'analytics'];
const except = (id: string) => all.filter((d) => d !== id);

/** The ten departments of the demo organisation, as the design defines them. */
export const departmentCatalog: DepartmentDefinition[] = [
  {
    id: 'engineering',
    name: 'Engineering',
    description: 'Builds, tests, ships and runs the software.',
    // `qa` predates `testing` and stays for agents and tasks that already name it.
    specializations: ['full-stack', 'backend', 'frontend', 'devops', 'testing', 'qa', 'security', 'data-engineering'],
    capabilities: [
      'code-analysis',
      'system-design',
      'testing',
      'deployment',
      'code-generation',
      'code-review',
      'debugging',
      'architecture',
    ],
    resourceTypes: ['compute', 'memory', 'storage', 'network', 'database'],
    maxAgents: 100,
    collaboratesWith: except('engineering'),
  },
  {
    id: 'marketing',
    name: 'Marketing',
    description: 'Content, campaigns, brand and market research.',
    specializations: ['content', 'seo', 'social-media', 'campaigns', 'analytics', 'brand'],
    capabilities: ['content-creation', 'seo-optimization', 'social-media', 'campaign-management', 'market-research', 'marketing-analytics'],
    resourceTypes: ['analytics', 'communication', 'storage', 'crm-access'],
    maxAgents: 60,
    collaboratesWith: except('marketing'),
  },
  {
    id: 'sales',
    name: 'Sales',
    description: 'Leads, accounts, proposals and forecasts.',
    specializations: [
      'lead-generation',
      'customer-relations',
      'negotiation',
      'forecasting',
      'account-management',
      'sales-ops',
      'customer-success',
    ],
    capabilities: ['lead-qualification', 'crm-management', 'customer-relations', 'negotiation', 'forecasting', 'proposal-writing'],
    resourceTypes: ['crm-access', 'communication', 'analytics', 'database'],
    maxAgents: 80,
    collaboratesWith: except('sales'),
  },
  {
    id: 'finance',
    name: 'Finance',
    description: 'Accounting, budgets, audit, tax and treasury.',
    specializations: ['accounting', 'budgeting', 'audit', 'tax', 'treasury'],
    capabilities: ['financial-analysis', 'reporting', 'reconciliation', 'forecasting', 'compliance'],
    resourceTypes: ['database', 'secure-storage', 'analytics', 'compliance-tools', 'compute'],
    maxAgents: 40,
    collaboratesWith: except('finance'),
  },
  {
    id: 'hr',
    name: 'HR',
    description: 'Recruiting, onboarding, benefits and employee relations.',
    specializations: ['recruiting', 'onboarding', 'benefits', 'employee-relations'],
    capabilities: ['candidate-screening', 'onboarding', 'policy-management', 'performance-review'],
    resourceTypes: ['secure-storage', 'communication', 'database', 'compliance-tools'],
    maxAgents: 30,
    collaboratesWith: except('hr'),
  },
  {
    id: 'operations',
    name: 'Operations',
    description: 'Logistics, supply chain, facilities and process optimisation.',
    specializations: ['logistics', 'supply-chain', 'facilities', 'process-optimization'],
    capabilities: ['process-automation', 'monitoring', 'scheduling', 'inventory-management'],
    resourceTypes: ['compute', 'memory', 'network', 'database', 'communication'],
    maxAgents: 70,
    collaboratesWith: except('operations'),
  },
  {
    id: 'research',
    name: 'Research',
    description: 'Machine learning, data science, product and user research.',
    specializations: ['ml', 'data-science', 'product-research', 'user-research'],
    capabilities: ['data-analysis', 'experimentation', 'modeling', 'literature-review'],
    resourceTypes: ['compute', 'memory', 'storage', 'analytics'],
    maxAgents: 50,
    collaboratesWith: except('research'),
  },
  {
    id: 'legal',
    name: 'Legal',
    description: 'Contracts, compliance, intellectual property and litigation.',
    specializations: ['contracts', 'compliance', 'ip', 'litigation'],
    capabilities: ['contract-review', 'compliance-check', 'legal-research', 'risk-assessment'],
    resourceTypes: ['secure-storage', 'compliance-tools', 'storage'],
    maxAgents: 25,
    collaboratesWith: except('legal'),
  },
  {
    id: 'it',
    name: 'IT',
    description: 'Infrastructure, support, networking and security operations.',
    specializations: ['infrastructure', 'support', 'networking', 'security-ops'],
    capabilities: ['provisioning', 'incident-response', 'monitoring', 'access-management'],
    resourceTypes: ['compute', 'memory', 'storage', 'network', 'database', 'secure-storage'],
    maxAgents: 60,
    collaboratesWith: except('it'),
  },
  {
    id: 'analytics',
    name: 'Analytics',
    description: 'Business intelligence, reporting and forecasting.',
    specializations: ['data-analysis', 'reporting', 'machine-learning', 'visualization', 'bi', 'data-engineering', 'forecasting'],
    // The data warehouse and analytics tools are what its agents work with, not resource kinds:
    // warehouse connections draw on the `database` pool, tool seats on the `analytics` pool.
    capabilities: [
      'data-analysis',
      'reporting',
      'machine-learning',
      'visualization',
      'predictive-modeling',
      'data-warehouse',
      'analytics-tools',
    ],
    resourceTypes: ['compute', 'memory', 'analytics', 'database', 'storage'],
    maxAgents: 45,
    collaboratesWith: except('analytics'),
  },
];

export type PoolDefault = { departmentId: string; type: ResourceType; guaranteed: number; maximum: number };

/**
 * Guaranteed amounts split GUARANTEED_SHARE of each total among the departments that use the kind,
 * weighted by their agent limits (Engineering compute: 400 guaranteed, 800 maximum).
 */
export function defaultPools(defs: DepartmentDefinition[] = departmentCatalog): PoolDefault[] {
  const pools: PoolDefault[] = [];
  for (const [type, kind] of Object.entries(resourceKindCatalog) as [ResourceType, { total: number }][]) {
    const users = defs.filter((d) => d.resourceTypes.includes(type));
    const weight = users.reduce((s, d) => s + d.maxAgents, 0);
    for (const d of users) {
      const guaranteed = Math.floor((kind.total * GUARANTEED_SHARE * d.maxAgents) / weight);
      pools.push({ departmentId: d.id, type, guaranteed, maximum: Math.min(kind.total, guaranteed * 2) });
    }
  }
  return pools;
}
