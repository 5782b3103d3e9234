/**
 * Deployments: applications, immutable releases, the release pinned per environment,
 * four-eyes promotions.
 */
package dev.edp.devicemanagement.release;
