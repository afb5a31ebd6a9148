// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The command-line programs' structured outputs (summary.json, summary.yml, run.yml).

#ifndef XAI_SAMPLES_CLI_DOCUMENT_HPP
#define XAI_SAMPLES_CLI_DOCUMENT_HPP

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <opencv2/core.hpp>

namespace xai_samples {

/** `s` as a JSON string literal that every strict parser reads (RFC 8259) and cv::FileStorage reads
    back: quotes, backslashes, \\b \\f \\n \\r \\t escaped; every other control character and every
    byte that is not part of valid UTF-8 replaced by U+FFFD, so that a binary labels file or a
    Latin-1 file name cannot make the document invalid. */
std::string jsonQuoted(const std::string& s);

/** A document written with cv::FileStorage's `<<` grammar (a key, then a value; "{" / "[" open a
    map / a sequence, "{:" / "[:" a one-line one; "}" / "]" close it), in JSON or in cv::FileStorage's
    YAML or XML.

    cv::FileStorage's own JSON writer is not JSON: it escapes `'` as `\'`, copies a string that
    starts and ends with the same quote as it is, and passes control characters and invalid UTF-8
    through. The JSON here is written by jsonQuoted, a non-finite number as the string "nan", "inf"
    or "-inf" (JSON has no such number, and cv::FileStorage 4.6 cannot read null); YAML and XML still
    go through cv::FileStorage, which reads its own files back. Strings given as std::string are
    always data: a label "{" is a string, never a new map. */
class DocumentWriter
{
public:
    //! The format of a file extension: ".json", ".yml", ".yaml" or ".xml"; anything else throws WriteError.
    explicit DocumentWriter(const std::string& extension);
    ~DocumentWriter();
    DocumentWriter(const DocumentWriter&) = delete;
    DocumentWriter& operator=(const DocumentWriter&) = delete;

    //! A structure token ("{", "{:", "[", "[:", "}", "]"), or a key or a string like std::string.
    DocumentWriter& operator<<(const char* text);
    //! A key where the open map expects one, a string value anywhere else.
    DocumentWriter& operator<<(const std::string& text);
    DocumentWriter& operator<<(double value);
    DocumentWriter& operator<<(float value) { return *this << (double)value; }
    //! Every integer type; a bool is written as 0 or 1, as cv::FileStorage does.
    template <typename T, typename = typename std::enable_if<std::is_integral<T>::value>::type>
    DocumentWriter& operator<<(T value)
    {
        return integer((long long)value);
    }

    //! The whole document; every structure opened must have been closed.
    std::string text();

private:
    struct Frame
    {
        bool map = true, flow = false;
        int count = 0;
    };
    DocumentWriter& integer(long long value);
    void open(bool map, bool flow);
    void close(bool map);
    //! The key a value in a map takes (consumed), or empty in a sequence; checks the grammar.
    std::string takeKey();
    //! JSON: what goes before the next member of the innermost structure.
    void separator();
    void scalar(const std::string& json, const std::function<void(const std::string&)>& storage);

    bool json_ = false, xml_ = false;
    std::unique_ptr<cv::FileStorage> storage_;
    std::string out_;
    std::vector<Frame> stack_;
    std::string key_;
    bool haveKey_ = false;
};

} // namespace xai_samples

#endif // XAI_SAMPLES_CLI_DOCUMENT_HPP
