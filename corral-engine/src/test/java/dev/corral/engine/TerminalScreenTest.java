package dev.corral.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalScreenTest {
  TerminalScreen screen = new TerminalScreen(5, 20);

  void write(String text) {
    screen.write(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void printsLinesWithCarriageReturnAndLineFeed() {
    write("hello\r\nworld\r\n");
    assertThat(screen.text()).isEqualTo("hello\nworld");
    assertThat(screen.cursorRow()).isEqualTo(2);
    assertThat(screen.cursorColumn()).isZero();
  }

  @Test
  void carriageReturnOverwritesLikeAProgressBar() {
    write("Reading 10%\rReading 100%\r\n");
    assertThat(screen.line(0)).isEqualTo("Reading 100%");
  }

  @Test
  void scrollsWhenTheScreenIsFull() {
    for (int i = 1; i <= 7; i++) {
      write("line " + i + "\r\n");
    }
    assertThat(screen.lines()).containsExactly("line 4", "line 5", "line 6", "line 7", "");
  }

  @Test
  void wrapsLongLinesAtTheLastColumn() {
    write("abcdefghijklmnopqrstuvwxyz");
    assertThat(screen.lines().subList(0, 2)).containsExactly("abcdefghijklmnopqrst", "uvwxyz");
  }

  @Test
  void exactlyFullLineDoesNotWrapUntilTheNextCharacter() {
    write("abcdefghijklmnopqrst\r\nx");
    assertThat(screen.lines().subList(0, 2)).containsExactly("abcdefghijklmnopqrst", "x");
  }

  @Test
  void movesTheCursorAndErases() {
    write("first line\r\nsecond line");
    write("\u001b[1;7H\u001b[K"); // row 1 col 7, erase to end of line
    assertThat(screen.line(0)).isEqualTo("first");
    write("\u001b[2;1H\u001b[2K\u001b[Are");
    assertThat(screen.text()).isEqualTo("rerst");
    write("\u001b[2J");
    assertThat(screen.text()).isEmpty();
  }

  @Test
  void relativeMovesBackspaceAndTabs() {
    write("abc\bX\tY\u001b[2DZ\u001b[BW");
    assertThat(screen.line(0)).isEqualTo("abX    ZY");
    assertThat(screen.line(1)).isEqualTo("        W");
  }

  @Test
  void eraseBelowAndAboveTheCursor() {
    write("1111\r\n2222\r\n3333\u001b[2;3H\u001b[J");
    assertThat(screen.text()).isEqualTo("1111\n22");
    write("\u001b[1J");
    assertThat(screen.text()).isEmpty();
  }

  @Test
  void insertAndDeleteCharactersAndLines() {
    write("abcdef\u001b[1;3H\u001b[2P");
    assertThat(screen.line(0)).isEqualTo("abef");
    write("\u001b[2@XY");
    assertThat(screen.line(0)).isEqualTo("abXYef");
    write("\r\nsecond\r\nthird\u001b[2;1H\u001b[M");
    assertThat(screen.text()).isEqualTo("abXYef\nthird");
    write("\u001b[L");
    assertThat(screen.text()).isEqualTo("abXYef\n\nthird");
  }

  @Test
  void scrollRegionKeepsTheLinesOutsideIt() {
    write("header\r\n\u001b[2;4r");
    write("\u001b[2;1Ha\r\nb\r\nc\r\nd\r\n");
    write("\u001b[5;1Hfooter");
    assertThat(screen.lines()).containsExactly("header", "c", "d", "", "footer");
  }

  @Test
  void reverseIndexAtTheTopScrollsDown() {
    write("one\r\ntwo\u001b[H\u001bMzero");
    assertThat(screen.lines().subList(0, 3)).containsExactly("zero", "one", "two");
  }

  @Test
  void alternateScreenIsSeparateAndRestoresThePrimary() {
    write("shell output\r\n$ ");
    write("\u001b[?1049h\u001b[Hfull screen app");
    assertThat(screen.alternateScreen()).isTrue();
    assertThat(screen.text()).isEqualTo("full screen app");
    write("\u001b[?1049l");
    assertThat(screen.text()).isEqualTo("shell output\n$");
    assertThat(screen.cursorRow()).isEqualTo(1);
    assertThat(screen.cursorColumn()).isEqualTo(2);
  }

  @Test
  void savesAndRestoresTheCursor() {
    write("ab\u001b7\u001b[3;5Hx\u001b8c");
    assertThat(screen.line(0)).isEqualTo("abc");
  }

  @Test
  void ignoresColoursTitlesAndUnknownSequences() {
    write(
        "\u001b]0;my title\u0007\u001b[1;31mred\u001b[0m \u001b[?2004h\u001b[>4;0m\u001bP+q\u001b\\ok");
    write("\u001b]10;?\u001b\\\u001b(B\u001b=!");
    assertThat(screen.text()).isEqualTo("red ok!");
  }

  @Test
  void decodesUtf8SplitAcrossWrites() {
    byte[] bytes = "❯ 1. Ja, grün ✓".getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      screen.write(new byte[] {b});
    }
    assertThat(screen.text()).isEqualTo("❯ 1. Ja, grün ✓");
  }

  @Test
  void malformedUtf8BecomesReplacementCharacters() {
    screen.write(new byte[] {'a', (byte) 0xe2, (byte) 0x9d, 'b', (byte) 0xff, 'c'});
    assertThat(screen.text()).isEqualTo("a\uFFFDb\uFFFDc");
  }

  @Test
  void wideCharactersTakeTwoCells() {
    write("日本語ok");
    assertThat(screen.line(0)).isEqualTo("日本語ok");
    assertThat(screen.cursorColumn()).isEqualTo(8);
  }

  @Test
  void hostileSequencesCannotBreakOut() {
    write("\u001b[99999;99999H@\u001b[99999A\u001b[0;0H#\u001b[999999999999999999P");
    write("\u001b[" + "1;".repeat(1000) + "H$");
    assertThat(screen.line(0)).startsWith("$");
    assertThat(screen.line(4)).endsWith("@");
  }

  @Test
  void resizingWiderKeepsTheTextAndTheNewWidthIsUsed() {
    write("hello\r\nworld");
    screen.resize(5, 40);
    assertThat(screen.text()).isEqualTo("hello\nworld");
    assertThat(screen.cursorRow()).isEqualTo(1);
    assertThat(screen.cursorColumn()).isEqualTo(5);
    write(" " + "x".repeat(30));
    assertThat(screen.line(1)).isEqualTo("world " + "x".repeat(30));
  }

  @Test
  void resizingShorterScrollsTheTopOffAndKeepsTheCursorRow() {
    write("one\r\ntwo\r\nthree\r\nfour\r\nAgree? (y/n) ");
    screen.resize(2, 10);
    assertThat(screen.lines()).containsExactly("four", "Agree? (y/");
    assertThat(screen.cursorRow()).isEqualTo(1);
    assertThat(screen.cursorColumn()).isEqualTo(9);
    write("\r\nnext");
    assertThat(screen.lines()).containsExactly("Agree? (y/", "next");
  }

  @Test
  void resizingCutsAWideCharacterAtTheNewEdgeToABlank() {
    write("abc\u4e2d");
    screen.resize(5, 4);
    assertThat(screen.line(0)).isEqualTo("abc");
  }

  @Test
  void aScreenSmallerThanTwoByTwoIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> screen.resize(1, 80))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
