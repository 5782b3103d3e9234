/**
 * What the feature packages share: the catalogue of device-management's problems,
 * four-eyes approvals, the devices' share of the connection pool, the body of a decision.
 */
package dev.edp.devicemanagement.support;
