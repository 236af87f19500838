namespace stencila::hub {}
