// Type declarations for the untyped CommonJS libraries the package uses (libmime).
declare module 'libmime' {
  const libmime: {
    decodeWord(charset: string, encoding: string, text: string): string;
  };
  export default libmime;
}
