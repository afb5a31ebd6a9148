// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "cli_files.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>

#include "cli_document.hpp"
#include "cli_errors.hpp"

namespace fs = std::filesystem;

namespace xai_samples {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& reason)
{
    throw WriteError("cannot write '" + path + "': " + reason);
}

/** A short name beside `path` that no other write of this process uses: short, so that a long
    final name fails at the rename with its own reason, and hidden, so that no folder scan takes it
    for an image. */
std::string temporaryBeside(const std::string& path)
{
    static std::atomic<unsigned> counter{0};
    const fs::path dir = fs::path(path).parent_path();
    const std::string name = ".xai-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".tmp";
    return (dir.empty() ? fs::path(name) : dir / name).string();
}

//! Writes all of `bytes` to `fd`; returns 0, or the errno of the write that failed.
int writeAll(int fd, const std::string& bytes)
{
    for (size_t done = 0; done < bytes.size();)
    {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno != EINTR)
            return errno;
        if (n > 0)
            done += (size_t)n;
    }
    return 0;
}

} // namespace

void writeFileAtomically(const std::string& path, const std::string& bytes)
{
    const std::string tmp = temporaryBeside(path);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        fail(path, std::strerror(errno));
    int error = writeAll(fd, bytes);
    // close() reports what delayed allocation found too late for write().
    if (::close(fd) != 0 && !error)
        error = errno;
    if (!error && ::rename(tmp.c_str(), path.c_str()) != 0)
        error = errno;
    if (error)
    {
        ::unlink(tmp.c_str());
        fail(path, std::strerror(error));
    }
}

void appendFileAtomically(const std::string& path, const std::string& bytes)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        fail(path, std::strerror(errno));
    const off_t before = ::lseek(fd, 0, SEEK_END);
    int error = writeAll(fd, bytes);
    if (error && before >= 0 && ::ftruncate(fd, before) != 0)
    {
        // The half-written end stays; readers drop a last line without its newline.
    }
    if (::close(fd) != 0 && !error)
        error = errno;
    if (error)
        fail(path, std::strerror(error));
}

std::string specialFileKind(const std::string& path)
{
    std::error_code ec;
    switch (fs::status(path, ec).type())
    {
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::character:
    case fs::file_type::block: return "a device";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::regular:
    case fs::file_type::directory:
    case fs::file_type::not_found:
    case fs::file_type::none: return std::string();
    default: return "not a regular file";
    }
}

void writeImageFile(const std::string& path, const cv::Mat& image)
{
    std::vector<uchar> buffer;
    bool encoded = false;
    std::string why = "the image cannot be encoded in this format";
    try
    {
        encoded = cv::imencode(fs::path(path).extension().string(), image, buffer);
    }
    catch (const cv::Exception& e)
    {
        why = messageOf(e);
    }
    if (!encoded)
        fail(path, why);
    writeFileAtomically(path, std::string(buffer.begin(), buffer.end()));
}

void writeStorageFile(const std::string& path, const std::function<void(DocumentWriter&)>& fill)
{
    DocumentWriter document(fs::path(path).extension().string());
    fill(document);
    writeFileAtomically(path, document.text());
}

cv::dnn::Net readModel(const std::string& model, const std::string& config, const std::string& framework)
{
    const std::string failed = "cannot load model '" + model + "': ";
    std::error_code ec;
    if (fs::is_regular_file(model, ec) && fs::file_size(model, ec) == 0 && !ec)
        throw UsageError(failed + "the file is empty");
    cv::dnn::Net net;
    try
    {
        net = cv::dnn::readNet(model, config, framework);
    }
    catch (const cv::Exception& e)
    {
        throw UsageError(failed + messageOf(e, "cv::dnn cannot read it (a damaged file, or not a format it reads)"));
    }
    if (net.empty())
        throw UsageError(failed + "cv::dnn found no layers in it");
    return net;
}

void requireScoreOutput(const cv::dnn::Net& net, const std::string& scoreLayer, const std::string& option)
{
    const std::vector<cv::String> outputs = net.getUnconnectedOutLayersNames();
    if (!scoreLayer.empty() || outputs.size() < 2)
        return;
    std::string names;
    for (const cv::String& name : outputs)
        names += (names.empty() ? "" : ", ") + name;
    throw UsageError("the model has " + std::to_string(outputs.size()) + " outputs (" + names +
                     "): name the one that holds the class scores with " + option);
}

} // namespace xai_samples
