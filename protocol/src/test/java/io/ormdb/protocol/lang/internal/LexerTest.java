package io.ormdb.protocol.lang.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.lang.ParseException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {

  @Test
  void tokensCarryOneBasedLineAndColumn() {
    List<Token> ts = Lexer.tokenize("entity User {\n  id uuid @id\n}");
    assertThat(ts)
        .extracting(t -> t.kind() + ":" + t.text() + "@" + t.line() + ":" + t.column())
        .containsExactly(
            "IDENT:entity@1:1",
            "IDENT:User@1:8",
            "LBRACE:{@1:13",
            "IDENT:id@2:3",
            "IDENT:uuid@2:6",
            "AT:@@2:11",
            "IDENT:id@2:12",
            "RBRACE:}@3:1",
            "EOF:@3:2");
  }

  @Test
  void commentsAreSkipped() {
    List<Token> ts = Lexer.tokenize("a // line comment\n/* block\n comment */ b");
    assertThat(ts).extracting(Token::text).containsExactly("a", "b", "");
    assertThat(ts.get(1).line()).isEqualTo(3);
    assertThat(ts.get(1).column()).isEqualTo(13);
  }

  @Test
  void stringsDecodeEscapesInEitherQuote() {
    List<Token> ts = Lexer.tokenize("\"a\\\"b\\n\\u0041\" 'it\\'s'");
    assertThat(ts.get(0).kind()).isEqualTo(TokenKind.STRING);
    assertThat(ts.get(0).value()).isEqualTo("a\"b\nA");
    assertThat(ts.get(1).value()).isEqualTo("it's");
  }

  @Test
  void numbersKeepTheirKind() {
    List<Token> ts = Lexer.tokenize("12 12.5 1e-3 12.50m 7m");
    assertThat(ts)
        .extracting(t -> t.kind() + " " + t.text())
        .containsExactly(
            "INTEGER 12", "FLOAT 12.5", "FLOAT 1e-3", "DECIMAL 12.50", "DECIMAL 7", "EOF ");
  }

  @Test
  void operatorsAreLongestMatch() {
    assertThat(Lexer.tokenize("== != <= >= < > && || ! = -> - $ ?"))
        .extracting(Token::kind)
        .containsExactly(
            TokenKind.EQ,
            TokenKind.NE,
            TokenKind.LE,
            TokenKind.GE,
            TokenKind.LT,
            TokenKind.GT,
            TokenKind.AND,
            TokenKind.OR,
            TokenKind.BANG,
            TokenKind.ASSIGN,
            TokenKind.ARROW,
            TokenKind.MINUS,
            TokenKind.DOLLAR,
            TokenKind.QUESTION,
            TokenKind.EOF);
  }

  @Test
  void backquotedNamesAreNeverKeywords() {
    Token t = Lexer.tokenize("`order`").get(0);
    assertThat(t.value()).isEqualTo("order");
    assertThat(t.quoted()).isTrue();
    assertThat(t.isKeyword("order")).isFalse();
  }

  @Test
  void malformedTextFailsAtItsPosition() {
    assertThatThrownBy(() -> Lexer.tokenize("a\n  #"))
        .isInstanceOf(ParseException.class)
        .hasMessage("line 2:3: unexpected character '#'")
        .satisfies(
            e -> assertThat(((ParseException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThatThrownBy(() -> Lexer.tokenize("x /* never closed"))
        .hasMessage("line 1:3: unterminated comment");
    assertThatThrownBy(() -> Lexer.tokenize("\"bad \\q\""))
        .hasMessage("line 1:6: invalid escape '\\q' in string");
    assertThatThrownBy(() -> Lexer.tokenize("12ab")).hasMessage("line 1:1: invalid number '12ab'");
  }
}
