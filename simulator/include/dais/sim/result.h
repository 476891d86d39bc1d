#pragma once
// Result<T>: the value of an operation that can fail for reasons a person can fix (a bad file,
// a typo in a --set, a folder that cannot be written). It is DAIS's one convention for
// recoverable errors, from the simulator up to the studio: a function that can fail that way
// returns Result<T> (or Result<void>), never a bool with a message or code written through an
// out-parameter, and no exception crosses a library's public API. Broken invariants are not
// recoverable errors: they assert (or, in layer code, DAIS_CHECK).

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace dais::sim {

/// What went wrong, phrased for the person who has to fix it (may hold several lines).
struct Error {
    std::string message;
};

/// Either a T or an Error. Constructible from either, so functions can `return value;` and
/// `return Error{"..."};`. Accessing the wrong side is a programming error (it throws
/// std::bad_variant_access rather than reading garbage).
template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(state_); }

  private:
    std::variant<T, Error> state_;
};

/// Success without a value, or an Error.
template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit

    bool ok() const { return !error_.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return error_.value(); }

  private:
    std::optional<Error> error_;
};

}  // namespace dais::sim
