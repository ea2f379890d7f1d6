"""Promo codes the seller made in the WB cabinet, and where answers may offer them."""
