// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "common.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace xai_evaluate {

std::string number(double v)
{
    if (std::isnan(v))
        return std::string();
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.9g", v);
    return buf;
}

double parseNumber(const std::string& field)
{
    if (field.empty())
        return std::numeric_limits<double>::quiet_NaN();
    char* end = nullptr;
    const double v = std::strtod(field.c_str(), &end);
    if (end == field.c_str() || *end != '\0')
        return std::numeric_limits<double>::quiet_NaN();
    return v;
}

std::string csvLine(const std::vector<std::string>& fields)
{
    std::string line;
    for (size_t i = 0; i < fields.size(); i++)
    {
        if (i)
            line += ',';
        const std::string& f = fields[i];
        if (f.find_first_of(",\"\n\r") == std::string::npos)
            line += f;
        else
        {
            line += '"';
            for (char c : f)
            {
                if (c == '"')
                    line += "\"\"";
                else if (c == '\n' || c == '\r')
                    line += ' ';
                else
                    line += c;
            }
            line += '"';
        }
    }
    return line;
}

bool parseCsvLine(const std::string& line, std::vector<std::string>& fields)
{
    fields.clear();
    std::string cur;
    bool quoted = false, wasQuoted = false;
    for (size_t i = 0; i < line.size(); i++)
    {
        const char c = line[i];
        if (quoted)
        {
            if (c == '"')
            {
                if (i + 1 < line.size() && line[i + 1] == '"')
                {
                    cur += '"';
                    i++;
                }
                else
                    quoted = false;
            }
            else
                cur += c;
        }
        else if (c == '"' && cur.empty() && !wasQuoted)
            quoted = wasQuoted = true;
        else if (c == ',')
        {
            fields.push_back(cur);
            cur.clear();
            wasQuoted = false;
        }
        else if (c != '\r')
            cur += c;
    }
    if (quoted)
        return false;
    fields.push_back(cur);
    return true;
}

std::string fileNameOf(const std::string& method)
{
    std::string s = method;
    for (char& c : s)
        if (!std::isalnum((unsigned char)c) && c != '-' && c != '_')
            c = '-';
    return s;
}

} // namespace xai_evaluate
