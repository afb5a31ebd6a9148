// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "inputs.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "../common/cli_files.hpp"
#include "options.hpp"

namespace fs = std::filesystem;

namespace xai_explain {
namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return (char)std::tolower(c); });
    return s;
}

std::string trim(const std::string& s)
{
    const size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool isWholeNumber(const std::string& s)
{
    // Nine digits at most: std::stoi cannot overflow.
    return !s.empty() && s.size() < 10 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

//! The formats cv::imread may decode; a folder's other files (notes, .json, ...) are not images.
bool hasImageExtension(const fs::path& p)
{
    static const std::set<std::string> known = {".bmp", ".dib", ".jpeg", ".jpg", ".jpe", ".jp2", ".png",
                                                ".webp", ".pbm", ".pgm", ".ppm", ".pxm", ".pnm", ".sr",
                                                ".ras", ".tiff", ".tif", ".exr", ".hdr", ".pic"};
    return known.count(lower(p.extension().string())) > 0;
}

void requireExists(const fs::path& p, const std::string& what)
{
    std::error_code ec;
    if (!fs::exists(p, ec))
        throw UsageError(what + " '" + p.string() + "' does not exist");
}

//! Image paths gathered from the arguments, and the warning for what is skipped.
struct Collector
{
    const std::function<void(const std::string&)>& warn;
    std::vector<fs::path> paths;

    void addFolder(const fs::path& dir)
    {
        std::vector<fs::path> files;
        std::error_code ec;
        for (const fs::directory_entry& e : fs::directory_iterator(dir, ec))
            if (e.is_regular_file(ec) && hasImageExtension(e.path()))
                files.push_back(e.path());
        if (ec)
            throw UsageError("cannot read folder '" + dir.string() + "': " + ec.message());
        std::sort(files.begin(), files.end());  // directory order is arbitrary: keep runs repeatable
        paths.insert(paths.end(), files.begin(), files.end());
    }

    void addPath(const fs::path& p, const std::string& what)
    {
        requireExists(p, what);
        std::error_code ec;
        const std::string special = xai_samples::specialFileKind(p.string());
        if (fs::is_directory(p, ec))
            addFolder(p);
        else if (!special.empty())
            warn("xai_explain: warning: " + what + " '" + p.string() + "' is " + special + ", not an image file: skipped");
        else
            paths.push_back(p);
    }

    void addListFile(const fs::path& list)
    {
        requireExists(list, "image list");
        std::ifstream in(list);
        if (!in)
            throw UsageError("image list '" + list.string() + "' cannot be read");
        int lineNo = 0;
        for (std::string line; std::getline(in, line);)
        {
            ++lineNo;
            line = trim(line);
            if (line.empty() || line[0] == '#')
                continue;
            fs::path p(line);
            if (p.is_relative())
                p = list.parent_path() / p;  // a list travels with its images
            addPath(p, "image (" + list.string() + ":" + std::to_string(lineNo) + ")");
        }
    }
};

//! The stem cut to kMaxStemBytes, never inside a UTF-8 character.
std::string cutStem(const std::string& stem)
{
    if (stem.size() <= kMaxStemBytes)
        return stem;
    size_t n = kMaxStemBytes;
    while (n > 0 && ((unsigned char)stem[n] & 0xC0) == 0x80)
        n--;
    return stem.substr(0, n);
}

//! A JPEG stream ends with the EOI marker FF D9; some writers pad it with zeros or a newline.
bool jpegLacksItsEnd(const std::vector<uchar>& bytes)
{
    if (bytes.size() < 2 || bytes[0] != 0xFF || bytes[1] != 0xD8)
        return false;  // not a JPEG
    size_t n = bytes.size();
    while (n > 2 && (bytes[n - 1] == 0 || bytes[n - 1] == '\n' || bytes[n - 1] == '\r' || bytes[n - 1] == ' '))
        n--;
    return !(bytes[n - 2] == 0xFF && bytes[n - 1] == 0xD9);
}

} // namespace

std::vector<ImageItem> collectImages(const std::vector<std::string>& arguments,
                                     const std::function<void(const std::string&)>& warn)
{
    Collector c{warn, {}};
    for (const std::string& a : arguments)
    {
        if (!a.empty() && a[0] == '@')
            c.addListFile(a.substr(1));
        else if (lower(fs::path(a).extension().string()) == ".txt")
            c.addListFile(a);
        else
            c.addPath(a, "image");
    }
    if (c.paths.empty())
        throw UsageError("no image files found in the images given");

    // Outputs are named after the image; two images called cat.jpg in different folders must not
    // overwrite each other's files.
    std::map<std::string, int> seen;
    std::vector<ImageItem> items;
    for (const fs::path& p : c.paths)
    {
        std::string stem = cutStem(p.stem().string());
        const int n = ++seen[stem];
        if (n > 1)
            stem += "-" + std::to_string(n);
        items.push_back({p.string(), stem});
    }
    return items;
}

std::vector<std::string> readLabels(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw UsageError("labels '" + path + "' cannot be read");
    // Read with a limit: a device such as /dev/zero never ends.
    std::string text;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0)
    {
        text.append(buffer, (size_t)in.gcount());
        if (text.size() > kMaxLabelsBytes)
            throw UsageError("labels '" + path + "' is larger than " + std::to_string(kMaxLabelsBytes >> 20) +
                             " MiB: a text file with one class name a line is expected");
    }
    std::vector<std::string> labels;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        labels.push_back(trim(line));
    while (!labels.empty() && labels.back().empty())
        labels.pop_back();
    if (labels.empty())
        throw UsageError("labels '" + path + "' holds no class name: one name a line is expected (line n names "
                         "class n)");
    return labels;
}

cv::Mat readImage(const std::string& path, int flags, std::string& warning)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open the image: " + std::string(std::strerror(errno)));
    const std::vector<uchar> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        throw std::runtime_error("cannot read the image: " + std::string(std::strerror(errno)));
    if (bytes.empty())
        throw std::runtime_error("cannot decode the image: the file is empty");
    cv::Mat image;
    try
    {
        image = cv::imdecode(bytes, flags);
    }
    catch (const cv::Exception& e)
    {
        throw std::runtime_error("cannot decode the image: " + messageOf(e, "OpenCV's decoder refused it"));
    }
    if (image.empty())
        throw std::runtime_error("cannot decode the image (damaged, or not an image format OpenCV reads)");
    if (jpegLacksItsEnd(bytes))
        warning = "the JPEG data stops before its end marker (a truncated file?): explained as decoded, with what "
                  "is missing filled in by the decoder";
    return image;
}

ClassRequest::ClassRequest(const std::string& spec, const std::vector<std::string>& labels)
{
    size_t start = 0;
    while (start <= spec.size())
    {
        const size_t comma = std::min(spec.find(',', start), spec.size());
        const std::string item = trim(spec.substr(start, comma - start));
        start = comma + 1;
        if (item.empty())
            throw UsageError("--class '" + spec + "': an empty item");
        if (lower(item.substr(0, 4)) == "top:")
        {
            const std::string k = item.substr(4);
            if (!isWholeNumber(k) || std::stoi(k) < 1)
                throw UsageError("--class '" + item + "': top:K needs a whole number K of at least 1");
            top_ = std::max(top_, std::stoi(k));
            for (int rank = 1; rank <= std::stoi(k); rank++)
                ids_.push_back(-rank);
        }
        else if (isWholeNumber(item))
            ids_.push_back(std::stoi(item));
        else
        {
            // A name: exact first, then ignoring case ("Tabby" for "tabby").
            auto found = std::find(labels.begin(), labels.end(), item);
            if (found == labels.end())
                found = std::find_if(labels.begin(), labels.end(),
                                     [&](const std::string& l) { return lower(l) == lower(item); });
            if (found == labels.end())
                throw UsageError("--class '" + item + "' is not a class id, top:K, or a name in " +
                                 (labels.empty() ? std::string("the labels (none given: use --labels)")
                                                 : std::string("the labels")));
            ids_.push_back((int)(found - labels.begin()));
        }
    }
}

void ClassRequest::checkClassCount(int numClasses) const
{
    if (top_ > numClasses)
        throw UsageError("--class top:" + std::to_string(top_) + ": the model has only " + std::to_string(numClasses) +
                         " classes");
    for (int id : ids_)
        if (id >= numClasses)
            throw UsageError("--class " + std::to_string(id) + ": the model has " +
                             std::to_string(numClasses) + " classes (0 to " + std::to_string(numClasses - 1) + ")");
}

} // namespace xai_explain
