// Values several unit suites share, defined once (the suites compile in unity batches, see
// test/CMakeLists.txt).
#pragma once

#include <string>

namespace samples {

/// Where the paging tests' Hub lives.
inline const std::string origin = "https://hub.example.org";
/// A token value of the contract's shape (64 lower-case hex characters).
inline const std::string token_value = "309cb7830f06c9bedaa6cdc5b1a8077172ebf6bd01049bc91802640d93ebfb8d";

}  // namespace samples
