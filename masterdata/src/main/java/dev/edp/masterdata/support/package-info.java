/** What the feature packages share: the catalogue of masterdata's problems. */
package dev.edp.masterdata.support;
