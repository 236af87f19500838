// The object the shared test precompiled header is built for (test/precompiled.hpp).
