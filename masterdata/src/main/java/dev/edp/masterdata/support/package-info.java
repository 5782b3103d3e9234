/**
 * What the feature packages share: the catalogue of masterdata's problems and the answers
 * that carry a version as ETag.
 */
package dev.edp.masterdata.support;
