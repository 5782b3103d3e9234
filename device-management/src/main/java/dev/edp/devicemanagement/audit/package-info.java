/**
 * The audit trail read endpoint (rows are written by the platform starter's
 * {@code AuditLog}).
 */
package dev.edp.devicemanagement.audit;
