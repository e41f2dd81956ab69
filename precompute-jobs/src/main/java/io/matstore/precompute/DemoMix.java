package io.matstore.precompute;

/**
 * The shape of generated demo traffic, as {@code generate} takes it on the command line.
 *
 * @param products          products in the catalogue, at least 1
 * @param seed              random seed
 * @param fxPerMille        FX rate changes per 1000 steady-mix events
 * @param promotionPerMille promotion starts, moves and ends per 1000 steady-mix events
 */
public record DemoMix(int products, long seed, int fxPerMille, int promotionPerMille) {}
