from dieuhanh.cli import main

main()
