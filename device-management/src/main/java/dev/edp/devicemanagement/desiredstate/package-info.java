/**
 * Desired state for devices: ETag, long-poll, and LISTEN/NOTIFY so changes wake every
 * replica's waiters.
 */
package dev.edp.devicemanagement.desiredstate;
