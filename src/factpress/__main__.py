from factpress.cli import main

main()
