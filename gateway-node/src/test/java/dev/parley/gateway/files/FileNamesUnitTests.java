package dev.parley.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileNamesUnitTests {

  @Test
  void onlyTheLastPathComponentIsKept() {
    assertThat(FileNames.sanitize("../../etc/passwd")).isEqualTo("passwd");
    assertThat(FileNames.sanitize("C:\\Users\\ann\\report.pdf")).isEqualTo("report.pdf");
    assertThat(FileNames.sanitize("dir/")).isEqualTo("file");
    assertThat(FileNames.sanitize("..")).isEqualTo("file");
    assertThat(FileNames.sanitize(null)).isEqualTo("file");
  }

  @Test
  void controlCharactersGoAndLongNamesAreCut() {
    assertThat(FileNames.sanitize("a\r\nb\u0000c\u202Etxt.exe")).isEqualTo("abctxt.exe");
    assertThat(FileNames.sanitize("é".repeat(300))).isEqualTo("é".repeat(255));
    assertThat(FileNames.sanitize("  spaced name.txt  ")).isEqualTo("spaced name.txt");
  }

  @Test
  void contentTypesAreKeptOnlyWhenWellFormed() {
    assertThat(FileNames.contentType("Image/PNG")).isEqualTo("image/png");
    assertThat(FileNames.contentType("text/plain; charset=UTF-8"))
        .isEqualTo("text/plain; charset=utf-8");
    assertThat(FileNames.contentType(null)).isEqualTo("application/octet-stream");
    assertThat(FileNames.contentType("")).isEqualTo("application/octet-stream");
    assertThat(FileNames.contentType("text/html\r\nSet-Cookie: x=1"))
        .isEqualTo("application/octet-stream");
    assertThat(FileNames.contentType("nonsense")).isEqualTo("application/octet-stream");
  }

  @Test
  void dispositionCarriesAnAsciiFallbackAndTheExactNameEncoded() {
    assertThat(FileNames.contentDisposition("report.pdf"))
        .isEqualTo("attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
    assertThat(FileNames.contentDisposition("naïve \"plan\"; 100%.txt"))
        .isEqualTo(
            "attachment; filename=\"na_ve _plan_; 100_.txt\"; filename*=UTF-8''na%C3%AFve%20%22plan%22%3B%20100%25.txt");
    assertThat(FileNames.contentDisposition("日本.txt"))
        .endsWith("filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt");
  }
}
