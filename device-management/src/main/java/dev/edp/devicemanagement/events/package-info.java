/** Events for monitoring: an outbox written with each change, relayed on a schedule. */
package dev.edp.devicemanagement.events;
