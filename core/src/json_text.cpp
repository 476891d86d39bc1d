#include "json_text.h"

#include <set>

#include "json_util.h"

namespace dais::core::detail {
namespace {

/// Builds the document from SAX events while remembering where it is (for duplicate keys) and
/// how deep it is. Everything it reports is collected, never thrown.
class DomBuilder final : public nlohmann::json_sax<Json> {
  public:
    bool null() override { return add(Json(nullptr)); }
    bool boolean(bool v) override { return add(Json(v)); }
    bool number_integer(number_integer_t v) override { return add(Json(v)); }
    bool number_unsigned(number_unsigned_t v) override { return add(Json(v)); }
    bool number_float(number_float_t v, const string_t& /*text*/) override { return add(Json(v)); }
    bool string(string_t& v) override { return add(Json(std::move(v))); }
    bool binary(binary_t& /*v*/) override { return false; }  // not produced by JSON text

    bool start_object(std::size_t /*elements*/) override { return open(Json::object()); }
    bool start_array(std::size_t /*elements*/) override { return open(Json::array()); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }

    bool key(string_t& k) override {
        Frame& frame = stack_.back();
        if (!frame.keys.insert(k).second) {
            duplicates_.push_back(
                {childPointer(pointer(), k),
                 "duplicate key " + quote(k) + " (each key may appear only once in an object)"});
        }
        frame.key = std::move(k);
        return true;
    }

    bool parse_error(std::size_t position, const std::string& token,
                     const nlohmann::detail::exception& ex) override {
        error_ = Failure{position, token, ex.id, ex.what()};
        return false;
    }

    struct Failure {
        std::size_t position = 0;  ///< characters read when the error was found
        std::string token;         ///< the last token read
        int id = 0;                ///< nlohmann's exception id (101: syntax, 406: overflow...)
        std::string what;
    };

    Json root;
    std::optional<Failure> error_;
    bool tooDeep = false;
    std::vector<JsonIssue> duplicates_;

  private:
    struct Frame {
        Json* container;
        std::set<std::string> keys;  ///< objects only: keys seen so far
        std::string key;             ///< objects only: the key of the value being read
    };

    /// Pointer to the member or element being read in the innermost container.
    std::string pointer() const {
        std::string out;
        for (std::size_t i = 0; i + 1 < stack_.size(); ++i)
            out = childPointer(out, selector(i));
        return out;
    }
    std::string selector(std::size_t frame) const {
        const Frame& f = stack_[frame];
        return f.container->is_object() ? f.key : std::to_string(f.container->size() - 1);
    }

    Json* place(Json&& value) {
        if (stack_.empty()) {
            root = std::move(value);
            return &root;
        }
        Frame& frame = stack_.back();
        if (frame.container->is_array()) {
            frame.container->push_back(std::move(value));
            return &frame.container->back();
        }
        Json& slot = (*frame.container)[frame.key];
        slot = std::move(value);
        return &slot;
    }

    bool add(Json&& value) {
        place(std::move(value));
        return true;
    }

    bool open(Json&& container) {
        if (stack_.size() >= kMaxJsonDepth) {
            tooDeep = true;
            return false;
        }
        Json* placed = place(std::move(container));
        stack_.push_back(Frame{placed, {}, {}});
        return true;
    }

    bool close() {
        stack_.pop_back();
        return true;
    }

    std::vector<Frame> stack_;
};

/// If `text` starts with `prefix`, erases it up to and including the next `until`.
void eraseLeading(std::string& text, std::string_view prefix, std::string_view until) {
    if (!text.starts_with(prefix)) return;
    const auto end = text.find(until, prefix.size());
    if (end != std::string::npos) text.erase(0, end + until.size());
}

/// nlohmann's message without its exception tag, its own (differently counted) position, the
/// "syntax error while parsing X - " preamble and the raw "last read" bytes.
std::string cleanMessage(const DomBuilder::Failure& failure) {
    if (failure.id == 406) return "number out of range: " + failure.token;
    std::string text = failure.what;
    eraseLeading(text, "[json.exception.", "] ");
    eraseLeading(text, "parse error", ": ");
    eraseLeading(text, "syntax error while parsing", " - ");
    const auto lastRead = text.find("; last read: '");
    if (lastRead != std::string::npos) {
        // The bytes read may contain anything; what follows them, if anything, is "; expected".
        const auto next = text.find("; expected", lastRead + 1);
        text.erase(lastRead, next == std::string::npos ? std::string::npos : next - lastRead);
    }
    return text;
}

/// Byte offset of the character to blame. The parser has read `position` characters and the
/// last of them is where it stopped; but a whole token that is out of place (a string or number
/// where something else belongs, a number too large) is blamed at its first character. Only
/// for those tokens is nlohmann's token text exactly the token.
std::size_t errorOffset(const DomBuilder::Failure& failure) {
    const std::size_t last = failure.position > 0 ? failure.position - 1 : 0;
    const bool wholeToken = failure.id == 406 ||
                            failure.what.find("unexpected string literal") != std::string::npos ||
                            failure.what.find("unexpected number literal") != std::string::npos;
    if (wholeToken && !failure.token.empty() && failure.token.size() <= failure.position) {
        return failure.position - failure.token.size();
    }
    return last;
}

/// 1-based line and column of byte `offset`; the column counts UTF-8 characters.
JsonSyntaxError locate(std::string_view text, std::size_t offset) {
    JsonSyntaxError where;
    offset = std::min(offset, text.size());
    for (std::size_t i = 0; i < offset; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte == '\n') {
            ++where.line;
            where.column = 1;
        } else if ((byte & 0xC0) != 0x80) {
            ++where.column;
        }
    }
    return where;
}

bool isBlank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

/// Byte offset of the bracket that opens one level more than `maxDepth`, or the text's size.
std::size_t tooDeepOffset(std::string_view text, std::size_t maxDepth) {
    std::size_t depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;  // the escaped character cannot end the string
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth) return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return text.size();
}

}  // namespace

ParsedJson parseJson(std::string_view text) {
    ParsedJson result;
    if (isBlank(text)) {
        result.syntaxError = locate(text, 0);
        result.syntaxError->message =
            text.empty() ? "the file is empty" : "the file holds only white space";
        return result;
    }
    DomBuilder builder;
    Json::sax_parse(text.begin(), text.end(), &builder);
    if (builder.error_) {
        const DomBuilder::Failure& failure = *builder.error_;
        result.syntaxError = locate(text, errorOffset(failure));
        result.syntaxError->message = cleanMessage(failure);
        return result;
    }
    if (builder.tooDeep) {
        result.syntaxError = locate(text, tooDeepOffset(text, kMaxJsonDepth));
        result.syntaxError->message =
            "nested more than " + std::to_string(kMaxJsonDepth) + " levels deep";
        return result;
    }
    result.value = std::move(builder.root);
    result.duplicateKeys = std::move(builder.duplicates_);
    return result;
}

}  // namespace dais::core::detail
