// What every payments provider shares: amounts as text, movement names, conservation.
#include "dais/core/payments.h"

#include <algorithm>

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

Result<Amount> parseAmount(std::string_view text, const Token& token) {
    const int decimals = token.decimals < 0 ? 0 : token.decimals > 18 ? 18 : token.decimals;
    const std::string quoted = "\"" + std::string(text) + "\"";
    const std::size_t point = text.find('.');
    const std::string_view whole = text.substr(0, point);
    const std::string_view fraction =
        point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
    auto digitsOnly = [](std::string_view d) {
        return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (whole.empty() || !digitsOnly(whole) || !digitsOnly(fraction) ||
        (point != std::string_view::npos && fraction.empty()))
        return Error{quoted + " is not an amount of " + token.symbol +
                     ": write whole tokens, optionally with decimals, e.g. \"12.5\""};
    if (fraction.size() > static_cast<std::size_t>(decimals))
        return Error{quoted + " has " + std::to_string(fraction.size()) + " decimals; " +
                     token.symbol + " has " + std::to_string(decimals) +
                     (decimals == 0 ? " (whole tokens only)" : "")};
    // Every digit, whole then fraction padded to the token's decimals, into one integer.
    std::uint64_t units = 0;
    bool tooLarge = false;
    auto push = [&](char c) {
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (units > (static_cast<std::uint64_t>(Payments::kMaxAmount) - d) / 10) tooLarge = true;
        units = tooLarge ? units : units * 10 + d;
    };
    for (char c : whole)
        push(c);
    for (int i = 0; i < decimals; ++i)
        push(static_cast<std::size_t>(i) < fraction.size() ? fraction[static_cast<std::size_t>(i)]
                                                           : '0');
    if (tooLarge)
        return Error{quoted + " " + token.symbol + " is more than the largest amount, " +
                     amountText(Payments::kMaxAmount, token)};
    return static_cast<Amount>(units);
}

bool validTokenSymbol(std::string_view symbol) {
    if (symbol.empty() || symbol.size() > 12) return false;
    const auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (!letter(symbol.front())) return false;
    return std::all_of(symbol.begin(), symbol.end(), [&](char c) { return letter(c) || digit(c); });
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
