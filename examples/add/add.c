// add.c: the seed's add example.
int add(int a, int b) {
  return a + b;
}
