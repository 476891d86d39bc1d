// Whole numbers with thousands separators.
#include "dais/sim/number_text.h"

namespace dais::sim {

std::string groupDigits(std::uint64_t magnitude, bool negative) {
    const std::string digits = std::to_string(magnitude);
    std::string out = negative && magnitude != 0 ? "-" : "";
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

}  // namespace dais::sim
