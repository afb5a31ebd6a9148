// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "cli_document.hpp"

#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "cli_files.hpp"

namespace xai_samples {
namespace {

//! The length of the valid UTF-8 sequence at s[i], or 0 when the byte there starts none.
size_t utf8Length(const std::string& s, size_t i)
{
    const unsigned char c = (unsigned char)s[i];
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
    {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;  // no overlong forms
        if (c == 0xED)
            hi = 0x9F;  // no UTF-16 surrogates
    }
    else if (c >= 0xF0 && c <= 0xF4)
    {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;  // nothing above U+10FFFF
    }
    if (len == 0 || i + len > s.size())
        return 0;
    for (size_t k = 1; k < len; k++)
    {
        const unsigned char b = (unsigned char)s[i + k];
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
            return 0;
    }
    return len;
}

//! The shortest decimal that reads back as `v`, always with a '.' or an exponent (a real, not an integer).
std::string jsonNumber(double v)
{
    // JSON has no NaN or infinity, and cv::FileStorage 4.6 cannot read null: a string both read.
    if (std::isnan(v))
        return "\"nan\"";
    if (std::isinf(v))
        return v > 0 ? "\"inf\"" : "\"-inf\"";
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.15g", v);
    if (std::strtod(buf, nullptr) != v)
        std::snprintf(buf, sizeof(buf), "%.17g", v);
    std::string s = buf;
    if (s.find_first_of(".e") == std::string::npos)
        s += ".0";
    return s;
}

} // namespace

std::string jsonQuoted(const std::string& s)
{
    std::string out = "\"";
    for (size_t i = 0; i < s.size();)
    {
        const unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
        {
            const size_t len = utf8Length(s, i);
            out += len ? s.substr(i, len) : std::string("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
            i += len ? len : 1;
            continue;
        }
        switch (c)
        {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            // \u00XX would be JSON, but cv::FileStorage 4.6 cannot read it back ("'\uXXXX' currently
            // not supported"); a control character in a name or a message is noise anyway.
            if (c < 0x20)
                out += "\xEF\xBF\xBD";
            else
                out += (char)c;
        }
        i++;
    }
    return out + "\"";
}

DocumentWriter::DocumentWriter(const std::string& extension)
{
    json_ = extension == ".json";
    xml_ = extension == ".xml";
    if (!json_)
    {
        if (extension != ".yml" && extension != ".yaml" && extension != ".xml")
            throw WriteError("cannot write a '" + extension + "' document: the formats are .json, .yml and .xml");
        storage_.reset(new cv::FileStorage(extension, cv::FileStorage::WRITE | cv::FileStorage::MEMORY));
        if (!storage_->isOpened())
            throw WriteError("cv::FileStorage cannot write a '" + extension + "' document");
    }
    out_ = "{";
    stack_.push_back(Frame());
}

DocumentWriter::~DocumentWriter() = default;

std::string DocumentWriter::takeKey()
{
    if (!stack_.back().map)
        return std::string();
    if (!haveKey_)
        throw std::logic_error("DocumentWriter: a value in a map needs a key first");
    haveKey_ = false;
    return key_;
}

void DocumentWriter::separator()
{
    Frame& f = stack_.back();
    if (f.count++ > 0)
        out_ += ",";
    if (f.flow)
        out_ += " ";
    else
        out_ += "\n" + std::string(4 * stack_.size(), ' ');
}

void DocumentWriter::scalar(const std::string& json, const std::function<void(const std::string&)>& storage)
{
    const std::string key = takeKey();
    if (!json_)
    {
        storage(key);
        return;
    }
    separator();
    if (stack_.back().map)
        out_ += jsonQuoted(key) + ": ";
    out_ += json;
}

void DocumentWriter::open(bool map, bool flow)
{
    flow = flow || stack_.back().flow;
    const std::string key = takeKey();
    if (json_)
    {
        separator();
        if (stack_.back().map)
            out_ += jsonQuoted(key) + ": ";
        out_ += map ? "{" : "[";
    }
    else
        storage_->startWriteStruct(key, (map ? cv::FileNode::MAP : cv::FileNode::SEQ) | (flow ? cv::FileNode::FLOW : 0));
    Frame f;
    f.map = map;
    f.flow = flow;
    stack_.push_back(f);
}

void DocumentWriter::close(bool map)
{
    if (stack_.size() < 2 || stack_.back().map != map || haveKey_)
        throw std::logic_error(std::string("DocumentWriter: '") + (map ? "}" : "]") + "' closes nothing open");
    const Frame f = stack_.back();
    stack_.pop_back();
    if (!json_)
    {
        storage_->endWriteStruct();
        return;
    }
    if (f.count > 0)
        out_ += f.flow ? std::string(" ") : "\n" + std::string(4 * stack_.size(), ' ');
    out_ += map ? "}" : "]";
}

DocumentWriter& DocumentWriter::operator<<(const char* text)
{
    const std::string t = text ? text : "";
    if (t == "{" || t == "{:")
        open(true, t.size() == 2);
    else if (t == "[" || t == "[:")
        open(false, t.size() == 2);
    else if (t == "}" || t == "]")
        close(t == "}");
    else
        *this << t;
    return *this;
}

DocumentWriter& DocumentWriter::operator<<(const std::string& text)
{
    if (stack_.back().map && !haveKey_)
    {
        key_ = text;
        haveKey_ = true;
        return *this;
    }
    scalar(jsonQuoted(text), [&](const std::string& key) {
        // cv::FileStorage copies a string that starts and ends with the same quote as it is, taking it
        // for one it quoted itself: 'x' would read back as x. Quoted here, it reads back whole.
        const bool quotedAlready = text.size() >= 2 && text.front() == text.back() &&
                                   (text.front() == '"' || text.front() == '\'');
        if (!quotedAlready || xml_)
        {
            cv::write(*storage_, key, text);
            return;
        }
        std::string q = "\"";
        for (char c : text)
            q += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
        cv::write(*storage_, key, q + "\"");
    });
    return *this;
}

DocumentWriter& DocumentWriter::operator<<(double value)
{
    scalar(jsonNumber(value), [&](const std::string& key) { cv::write(*storage_, key, value); });
    return *this;
}

DocumentWriter& DocumentWriter::integer(long long value)
{
    scalar(std::to_string(value), [&](const std::string& key) {
        if (value >= INT_MIN && value <= INT_MAX)
            cv::write(*storage_, key, (int)value);
        else
            cv::write(*storage_, key, (double)value);  // cv::FileStorage 4.6 has no 64-bit integers
    });
    return *this;
}

std::string DocumentWriter::text()
{
    if (stack_.size() != 1 || haveKey_)
        throw std::logic_error("DocumentWriter: a structure or a key is left open");
    if (!json_)
        return storage_->releaseAndGetString();
    return out_ + (stack_.back().count ? "\n}\n" : "}\n");
}

} // namespace xai_samples
