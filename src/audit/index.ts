// The decision log's public API (`wg-policy/audit`): append (masked, chained, locked), verify, query, configure, record.
export { appendDecision, closeAuditLog, type AppendOptions, type CloseOptions } from './append.js';
export { createDiagnostics, type Diagnostics } from './diagnostics.js';
export {
  canonicalJson,
  GENESIS,
  hashRecord,
  readHead,
  sealRecord,
  verifyLog,
  writeHead,
  type VerifyOptions,
  type VerifyProblem,
  type VerifyResult,
} from './chain.js';
export { auditConfigFrom, AuditConfigSchema, AuditTransportSpecSchema, type AuditConfig, type AuditTransportSpec } from './config.js';
export { AuditRecordSchema, DecisionSchema, newDecisionId, type AuditRecord, type ChainHead, type Decision, type DecisionInput } from './event.js';
export { headPathFor, lockPathFor, logFilesInOrder } from './files.js';
export { logDestination, recordDecision, type DecisionLogOption, type LogDestination } from './destination.js';
export { MASK, maskSecrets } from './mask.js';
export { listDecisions, showDecision, type CorruptLine, type DecisionFilter, type QueryOptions } from './query.js';
