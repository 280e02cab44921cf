/**
 * Disentanglement metrics of a representation from its latent means and the ground-truth factors of
 * the data: MIG, the FactorVAE score, DCI and SAP, as defined by their papers and computed by
 * disentanglement_lib. {@link dev.vaelab.metrics.disentanglement.DisentanglementMetrics} computes all
 * six numbers; each metric's class documents its definition and settings. Pure functions of their
 * inputs and a seed, independent of training.
 */
package dev.vaelab.metrics.disentanglement;
