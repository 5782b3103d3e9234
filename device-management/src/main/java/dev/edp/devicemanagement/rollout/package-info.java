/**
 * Phased rollouts: a release taken to an environment's devices in groups, decided by a
 * scheduler, paused, resumed, cancelled and rolled back by operators.
 */
package dev.edp.devicemanagement.rollout;
