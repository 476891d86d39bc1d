#pragma once
// The error every part of the federated-learning server reports: a precondition it cannot meet
// (too few clients for a robust rule, a parameter out of range, a malformed client result),
// with a message a user can act on.

#include <stdexcept>
#include <string>

namespace dais::fl {

class AggregationError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

/// A double as the shortest text that reads back to the same value ("0.5", "1e-09", "nan").
std::string formatNumber(double x);

}  // namespace dais::fl
