#include "dais/crypto/fhe_security.h"

namespace dais::crypto {

namespace {

using core::Error;

int levelBits(HeSecurityLevel level) {
    return static_cast<int>(level);
}

core::Result<const HeSecurityRow*> findRow(std::uint32_t ringDimension, HeSecurityLevel level,
                                           const HeSecurityTable& table) {
    if (level != HeSecurityLevel::Classical128 && level != HeSecurityLevel::Classical192 &&
        level != HeSecurityLevel::Classical256)
        return Error{"security levels are 128, 192 or 256 bits, got " +
                     std::to_string(levelBits(level))};
    for (const HeSecurityRow& row : table.rows)
        if (row.ringDimension == ringDimension) return &row;
    return Error{"the security table has no row for N=" + std::to_string(ringDimension)};
}

int limitOf(const HeSecurityRow& row, HeSecurityLevel level) {
    switch (level) {
        case HeSecurityLevel::Classical128:
            return row.maxBits128;
        case HeSecurityLevel::Classical192:
            return row.maxBits192;
        case HeSecurityLevel::Classical256:
            return row.maxBits256;
    }
    return 0;
}

}  // namespace

core::Result<int> maxModulusBits(std::uint32_t ringDimension, HeSecurityLevel level,
                                 const HeSecurityTable& table) {
    auto row = findRow(ringDimension, level, table);
    if (!row) return row.error();
    const int limit = limitOf(**row, level);
    if (limit < 1)
        return Error{"the security table's limit for N=" + std::to_string(ringDimension) + " at " +
                     std::to_string(levelBits(level)) + "-bit security is not positive"};
    return limit;
}

core::Result<void> checkSecurity(const FheParameters& parameters, HeSecurityLevel level,
                                 const HeSecurityTable& table) {
    if (auto ok = validate(parameters); !ok) return ok.error();
    auto row = findRow(parameters.ringDimension, level, table);
    if (!row) return row.error();
    auto limit = maxModulusBits(parameters.ringDimension, level, table);
    if (!limit) return limit.error();
    const int bits = totalModulusBits(parameters);
    if (bits > *limit)
        return Error{"N=" + std::to_string(parameters.ringDimension) + " allows at most " +
                     std::to_string(*limit) + " bits of modulus for " +
                     std::to_string(levelBits(level)) + "-bit security (" + (*row)->source +
                     "); this chain has " + std::to_string(bits)};
    return {};
}

}  // namespace dais::crypto
