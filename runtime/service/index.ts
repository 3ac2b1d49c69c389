// The HTTP service's public face (spec/service.md): what `hush serve` and an embedder that wants
// the service in its own process import. A thin layer over runtime/index.ts.
export { createService, DEFAULT_LIMITS, irRevision, isLoopback, ServiceConfigError, ServiceStartError, type Service, type ServiceLimits, type ServiceOptions, type Tenant } from './service.ts';
export { Authenticator, MIN_TOKEN_LENGTH, parseTokens, SCOPES, TokenFileError, type Scope, type TokenEntry } from './auth.ts';
export { noDecisionLog, type DecisionLogEntry, type DecisionLogSink } from './decision-log.ts';
export { PolicyHolder, type LimitUsage, type LoadedPolicySet, type PolicyLoader, type PolicyLoadResult, type PolicySnapshot, type PolicySource, type ReloadOutcome, type ReloadTrigger, type ServiceDiagnostic } from './policy-holder.ts';
export { ServiceMetrics } from './metrics.ts';
