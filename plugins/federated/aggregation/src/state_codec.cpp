// The byte form of a ServerState:
//   "DAISFLS1"                          magic and format version
//   u64 round
//   str strategy                        u64 length, then the bytes
//   vec parameters                      u64 length, then each double's IEEE bits as u64
//   u64 number of moments, then for each: str name, vec values (in name order)
// Every u64 little-endian. Nothing may follow.
#include <bit>

#include "dais/fl/error.h"
#include "dais/fl/strategy.h"

namespace dais::fl {

namespace {

constexpr std::string_view kMagic = "DAISFLS1";

void putU64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void putString(std::string& out, const std::string& s) {
    putU64(out, s.size());
    out += s;
}

void putVector(std::string& out, const Eigen::VectorXd& v) {
    putU64(out, static_cast<std::uint64_t>(v.size()));
    for (Eigen::Index i = 0; i < v.size(); ++i)
        putU64(out, std::bit_cast<std::uint64_t>(v[i]));
}

class Reader {
  public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}
    std::uint64_t u64() {
        need(8);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[pos_ + i]))
                 << (8 * i);
        pos_ += 8;
        return v;
    }
    std::string string() {
        const std::uint64_t n = u64();
        need(n);
        std::string s(bytes_.substr(pos_, n));
        pos_ += n;
        return s;
    }
    Eigen::VectorXd vector() {
        const std::uint64_t n = u64();
        if (n > (bytes_.size() - pos_) / 8) fail();
        Eigen::VectorXd v(static_cast<Eigen::Index>(n));
        for (Eigen::Index i = 0; i < v.size(); ++i)
            v[i] = std::bit_cast<double>(u64());
        return v;
    }
    void expectMagic() {
        need(kMagic.size());
        if (bytes_.substr(0, kMagic.size()) != kMagic)
            throw AggregationError("not a federation server state (bad magic or version)");
        pos_ = kMagic.size();
    }
    void expectEnd() const {
        if (pos_ != bytes_.size()) fail();
    }

  private:
    void need(std::uint64_t n) const {
        if (n > bytes_.size() - pos_) fail();
    }
    [[noreturn]] void fail() const {
        throw AggregationError("truncated or malformed federation server state at byte " +
                               std::to_string(pos_));
    }
    std::string_view bytes_;
    std::size_t pos_ = 0;
};

}  // namespace

std::string encodeState(const ServerState& state) {
    std::string out(kMagic);
    putU64(out, state.round);
    putString(out, state.strategy);
    putVector(out, state.parameters);
    putU64(out, state.moments.size());
    for (const auto& [name, values] : state.moments) {
        putString(out, name);
        putVector(out, values);
    }
    return out;
}

ServerState decodeState(std::string_view bytes) {
    Reader in(bytes);
    in.expectMagic();
    ServerState s;
    s.round = in.u64();
    s.strategy = in.string();
    s.parameters = in.vector();
    const std::uint64_t count = in.u64();
    for (std::uint64_t i = 0; i < count; ++i) {
        std::string name = in.string();
        Eigen::VectorXd values = in.vector();
        if (!s.moments.emplace(std::move(name), std::move(values)).second)
            throw AggregationError("malformed federation server state: a state vector twice");
    }
    in.expectEnd();
    return s;
}

}  // namespace dais::fl
