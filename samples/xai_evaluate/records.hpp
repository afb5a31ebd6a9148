// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_evaluate: the CSV tables of an output folder, read back to resume, merge and summarise.

#ifndef XAI_EVALUATE_RECORDS_HPP
#define XAI_EVALUATE_RECORDS_HPP

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace xai_evaluate {

//! A CSV file held in memory: a header and rows of as many fields.
struct Table
{
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;

    //! Index of a column; throws std::logic_error for an unknown one (a programming error).
    int col(const std::string& name) const;
};

//! Column names of the three tables (curves: the fixed columns, then p0 .. p<steps>).
std::vector<std::string> perImageColumns();
std::vector<std::string> curveColumns(int steps);
std::vector<std::string> randomizationColumns();

const char* const kPerImageFile = "per_image.csv";
const char* const kCurvesFile = "curves.csv";
const char* const kRandomizationFile = "randomization.csv";
const char* const kRunFile = "run.yml";

/** Reads a table written by this program. A missing file is an empty table; a line that does not
    have as many fields as the header, or a last line without its newline (the end of a file cut by
    an interrupted run or a full disk), is dropped. A header other than `header` is a UsageError. */
Table readTable(const std::string& path, const std::vector<std::string>& header);

//! Writes a whole table, through a temporary file renamed into place; throws xai_samples::WriteError.
void writeTable(const std::string& path, const Table& table);

/** Appends rows in one write (the header first when the file is new), whole or not at all; throws
    xai_samples::WriteError. */
void appendRows(const std::string& path, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

//! A unit of work: one image explained by one method (all its objects).
using Unit = std::pair<int, std::string>;

//! The unit of a row: its image_index and method columns.
Unit unitOf(const Table& t, const std::vector<std::string>& row);

//! Keeps the rows whose unit is in `units`, dropping repeated keys (the first one stays).
void keepUnits(Table& t, const std::set<Unit>& units, const std::vector<std::string>& keyColumns);

/** Sorts rows by image index, then method in the order given, then the remaining key columns
    (numbers numerically). */
void sortRows(Table& t, const std::vector<std::string>& methods, const std::vector<std::string>& keyColumns);

//! Key columns of each table (the unit's two, then what makes a row unique inside a unit).
std::vector<std::string> perImageKey();
std::vector<std::string> curveKey();
std::vector<std::string> randomizationKey();

} // namespace xai_evaluate

#endif // XAI_EVALUATE_RECORDS_HPP
