// What every payments provider shares: amounts as text, movement names, conservation.
#include "dais/core/payments.h"

#include "dais/sim/number_text.h"

namespace dais::core {

std::string amountText(Amount amount, const Token& token) {
    const int decimals = token.decimals < 0 ? 0 : token.decimals > 18 ? 18 : token.decimals;
    std::uint64_t unit = 1;
    for (int i = 0; i < decimals; ++i)
        unit *= 10;
    const bool negative = amount < 0;
    // The magnitude without overflow for the most negative amount.
    const std::uint64_t magnitude = negative ? std::uint64_t{0} - static_cast<std::uint64_t>(amount)
                                             : static_cast<std::uint64_t>(amount);
    std::string text = sim::groupDigits(magnitude / unit, negative);
    if (negative && magnitude / unit == 0) text = "-0";
    if (std::uint64_t fraction = magnitude % unit; fraction != 0) {
        std::string digits = std::to_string(fraction);
        digits.insert(0, static_cast<std::size_t>(decimals) - digits.size(), '0');
        while (digits.back() == '0')
            digits.pop_back();
        text += "." + digits;
    }
    return text + " " + token.symbol;
}

std::string_view movementKindName(MovementKind kind) {
    switch (kind) {
        case MovementKind::Transfer:
            return "transfer";
        case MovementKind::Hold:
            return "hold";
        case MovementKind::Release:
            return "release";
        case MovementKind::Refund:
            return "refund";
        case MovementKind::Mint:
            return "mint";
        case MovementKind::Burn:
            return "burn";
    }
    return "transfer";
}

Result<void> Payments::checkConservation() const {
    const Totals t = totals();
    // Compared modulo 2^64, so that the sums of a faulty provider cannot overflow; a sound one
    // keeps both sides between 0 and what was minted.
    auto wrap = [](Amount a) { return static_cast<std::uint64_t>(a); };
    const std::uint64_t circulatingBits = wrap(t.minted) - wrap(t.burned);
    const std::uint64_t accountedBits = wrap(t.balances) + wrap(t.escrowed);
    if (circulatingBits == accountedBits) return {};
    const auto circulating = static_cast<Amount>(circulatingBits);
    const auto accounted = static_cast<Amount>(accountedBits);
    return Error{"payments: money was not conserved: " + amountText(t.minted, token()) +
                 " minted less " + amountText(t.burned, token()) + " burned is " +
                 amountText(circulating, token()) + ", but the balances (" +
                 amountText(t.balances, token()) + ") and escrow (" +
                 amountText(t.escrowed, token()) + ") come to " + amountText(accounted, token())};
}

}  // namespace dais::core
