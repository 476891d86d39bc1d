// libsodium's initialisation, done once per process.
#include "dais/crypto/sodium_init.h"

#include <sodium.h>

#include <stdexcept>

namespace dais::crypto {

void initSodium() {
    // A function-local static is initialised exactly once even when threads reach it together,
    // and the others wait for it. sodium_init() returns 0 the first time, 1 if already done
    // (by another library in the process) and -1 on failure.
    static const bool initialised = sodium_init() >= 0;
    if (!initialised)
        throw std::runtime_error(
            "libsodium could not be initialised: sodium_init() failed (no usable random source?)");
}

}  // namespace dais::crypto
