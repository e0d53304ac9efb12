//! Equilibrium analysis of allocation rules (floating point; never used by consensus).
