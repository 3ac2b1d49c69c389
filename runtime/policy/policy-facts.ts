// What GET /v1/policy says about the set that is serving, read from its IR once when it loads.
// A snapshot keeps these facts and not the IR: for the largest legal set the IR is over a
// gigabyte of heap (twenty million group names), and every full garbage collection would walk it
// while requests wait (bench/RESULTS.md, "HTTP service").
import type { IrPolicySet } from '../ir.ts';

export interface PolicyFacts {
  enterprise: string | null;
  profile: string;
  rules: { name: string; groups: number; keywords: number; links: number; miniprograms: number; cards: number; triggers: string[] }[];
  ladders: { name: string; counts: string[]; steps: number; severe: boolean; linked: boolean }[];
  lists: {
    enterprise_blacklist: number;
    personal_blacklists: { owner: string; customers: number }[];
    exempt: number;
  };
  contact_quota: boolean;
}

export function policyFacts(ir: IrPolicySet): PolicyFacts {
  return {
    enterprise: ir.enterprise,
    profile: ir.profile,
    rules: ir.rules.map((r) => ({
      name: r.name,
      groups: r.groups.length,
      keywords: r.keywords.length,
      links: r.links.length,
      miniprograms: r.miniprograms.length,
      cards: r.cards.length,
      triggers: r.triggers.map((t) => t.type),
    })),
    ladders: ir.ladders.map((l) => ({ name: l.name, counts: l.counts, steps: l.steps.length, severe: l.severe !== null, linked: l.linked !== null })),
    lists: {
      enterprise_blacklist: ir.enterpriseBlacklist.length,
      personal_blacklists: ir.personalBlacklists.map((p) => ({ owner: p.owner, customers: p.customers.length })),
      exempt: ir.exempt.length,
    },
    contact_quota: ir.contactQuota !== null,
  };
}
