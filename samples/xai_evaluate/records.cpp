// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "records.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "../common/cli_files.hpp"
#include "common.hpp"

namespace fs = std::filesystem;

namespace xai_evaluate {

int Table::col(const std::string& name) const
{
    for (size_t i = 0; i < header.size(); i++)
        if (header[i] == name)
            return (int)i;
    throw std::logic_error("no column '" + name + "'");
}

std::vector<std::string> perImageColumns()
{
    return {"image_index", "method", "object", "image", "class", "predicted", "probability", "views", "fusion",
            "forwards", "seconds", "empty_map", "drop", "increase", "masked_probability", "deletion_auc",
            "insertion_auc", "energy_box", "energy_mask", "iou", "map_box_x", "map_box_y", "map_box_w", "map_box_h",
            "other_class", "energy_other_box", "energy_other_mask", "stays_on_object", "dense_r", "dense_moved"};
}

std::vector<std::string> curveColumns(int steps)
{
    std::vector<std::string> c = {"image_index", "method", "object", "curve"};
    for (int i = 0; i <= steps; i++)
        c.push_back("p" + std::to_string(i));
    return c;
}

std::vector<std::string> randomizationColumns()
{
    return {"image_index", "method", "step", "layer", "type", "randomized_blobs", "kept_blobs", "correlation", "note"};
}

std::vector<std::string> perImageKey() { return {"image_index", "method", "object"}; }
std::vector<std::string> curveKey() { return {"image_index", "method", "object", "curve"}; }
std::vector<std::string> randomizationKey() { return {"image_index", "method", "step"}; }

Table readTable(const std::string& path, const std::vector<std::string>& header)
{
    Table t;
    t.header = header;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return t;
    std::stringstream text;
    text << in.rdbuf();
    std::string all = text.str();
    // A row counts once its newline is written: a last line without one was cut by an interrupted
    // run, and may look whole (a number cut short is still a number).
    all.erase(all.find_last_of('\n') == std::string::npos ? 0 : all.find_last_of('\n') + 1);
    std::istringstream lines(all);
    std::string line;
    std::vector<std::string> fields;
    if (!std::getline(lines, line))
        return t;
    if (!parseCsvLine(line, fields) || fields != header)
        throw UsageError("'" + path + "' has other columns than this program writes: it comes from another version "
                         "or another program; use a new --output folder");
    while (std::getline(lines, line))
        if (parseCsvLine(line, fields) && fields.size() == header.size())
            t.rows.push_back(fields);
    return t;
}

void writeTable(const std::string& path, const Table& table)
{
    std::string text = csvLine(table.header) + '\n';
    for (const auto& r : table.rows)
        text += csvLine(r) + '\n';
    xai_samples::writeFileAtomically(path, text);
}

void appendRows(const std::string& path, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows)
{
    std::error_code ec;
    const bool fresh = !fs::exists(path, ec) || fs::file_size(path, ec) == 0;
    std::string text;
    if (fresh)
        text += csvLine(header) + '\n';
    for (const auto& r : rows)
        text += csvLine(r) + '\n';
    xai_samples::appendFileAtomically(path, text);
}

Unit unitOf(const Table& t, const std::vector<std::string>& row)
{
    return Unit((int)parseNumber(row[t.col("image_index")]), row[t.col("method")]);
}

void keepUnits(Table& t, const std::set<Unit>& units, const std::vector<std::string>& keyColumns)
{
    std::vector<int> keyIdx;
    for (const std::string& k : keyColumns)
        keyIdx.push_back(t.col(k));
    std::set<std::vector<std::string>> seen;
    std::vector<std::vector<std::string>> kept;
    for (auto& r : t.rows)
    {
        if (!units.count(unitOf(t, r)))
            continue;
        std::vector<std::string> key;
        for (int i : keyIdx)
            key.push_back(r[i]);
        if (seen.insert(key).second)
            kept.push_back(r);
    }
    t.rows.swap(kept);
}

void sortRows(Table& t, const std::vector<std::string>& methods, const std::vector<std::string>& keyColumns)
{
    std::vector<int> keyIdx;
    for (const std::string& k : keyColumns)
        keyIdx.push_back(t.col(k));
    const int methodCol = t.col("method");
    auto methodRank = [&](const std::string& m) {
        const auto it = std::find(methods.begin(), methods.end(), m);
        return it == methods.end() ? (int)methods.size() : (int)(it - methods.begin());
    };
    std::stable_sort(t.rows.begin(), t.rows.end(), [&](const std::vector<std::string>& a,
                                                        const std::vector<std::string>& b) {
        for (int i : keyIdx)
        {
            if (a[i] == b[i])
                continue;
            if (i == methodCol && methodRank(a[i]) != methodRank(b[i]))
                return methodRank(a[i]) < methodRank(b[i]);
            const double x = parseNumber(a[i]), y = parseNumber(b[i]);
            if (x == x && y == y && x != y)
                return x < y;
            return a[i] < b[i];
        }
        return false;
    });
}

} // namespace xai_evaluate
