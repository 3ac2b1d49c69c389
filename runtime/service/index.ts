// The HTTP service's public face (spec/service.md): what `hush serve` and an embedder that wants
// the service in its own process import. A thin layer over runtime/index.ts.
export { createService, DEFAULT_LIMITS, irRevision, isLoopback, ServiceConfigError, ServiceStartError, type Service, type ServiceLimits, type ServiceOptions, type Tenant } from './service.ts';
export { Authenticator, MIN_TOKEN_LENGTH, parseTokens, SCOPES, TokenFileError, type Scope, type TokenEntry } from './auth.ts';
export { noDecisionLog, type DecisionLogEntry, type DecisionLogObserver, type DecisionLogSink } from './decision-log.ts';
export { DECISION_LOG_MASKS, DECISION_LOG_MODES, DecisionLogOpenError, DEFAULT_DECISION_LOG_QUEUE, FileDecisionLog, maskedText, openDecisionLog, type DecisionLogMask, type DecisionLogMode, type FileDecisionLogOptions } from './decision-log-file.ts';
export { PolicyHolder, type LimitUsage, type LoadedPolicySet, type PolicyLoader, type PolicyLoadResult, type PolicySnapshot, type PolicySource, type ReloadOutcome, type ReloadTrigger, type ServiceDiagnostic } from './policy-holder.ts';
export { ServiceMetrics } from './metrics.ts';
export { isTenantName, TENANT_NAME, TenantRegistry, type TenantSource } from './tenants.ts';
export { policyFacts, type PolicyFacts } from '../index.ts';
